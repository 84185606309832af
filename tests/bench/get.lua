-- get.lua: wrk script for plain GETs: the request stays wrk's own (no Lua per request); only the summary.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
