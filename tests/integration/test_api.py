"""test_api.py: the read API (/api/v1/): tokens (CLI, console), answers valid against docs/api.yaml, keyset pages, scope, no contact details, bad tokens and input, audit, rate limit."""
import concurrent.futures
import hashlib
import json
import re
import time
import urllib.parse

import yaml   # python3-yaml (scripts/deps.sh)

import harness
import test_cases

SPEC_PATH = harness.ROOT / "docs" / "api.yaml"
CONTACT_NAME, CONTACT_PHONE = "Nguyễn Văn Liên Lạc", "0911222333"


# ------------------------------------------------ OpenAPI (the subset api.yaml uses) ----

def _spec():
    return yaml.safe_load(SPEC_PATH.read_text())


def _resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise harness.Failure(f"api.yaml: only local $ref is supported: {ref}")
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def schema_problems(spec, schema, value, where="$"):
    """What in `value` breaks `schema`: type, nullable, enum, required,
    properties, additionalProperties, items, format (date, date-time),
    pattern, minimum, maximum, maxLength, $ref. Anything else in a schema
    is an error of this validator, so api.yaml cannot drift past it."""
    schema = _resolve(spec, schema)
    known = {"type", "nullable", "enum", "required", "properties", "additionalProperties", "items", "format",
             "pattern", "minimum", "maximum", "maxLength", "description"}
    extra = set(schema) - known
    if extra:
        return [f"{where}: the validator does not know {sorted(extra)}"]
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null where {schema.get('type')} is required"]
    out = []
    t = schema.get("type")
    checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
              "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
    if t is not None and not checks[t](value):
        return [f"{where}: {harness.short(value, 80)} is not of type {t}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        fmt = schema.get("format")
        if fmt == "date" and not DATE_RE.match(value):
            out.append(f"{where}: {value!r} is not a date")
        if fmt == "date-time" and not DATETIME_RE.match(value):
            out.append(f"{where}: {value!r} is not a date-time")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{where}: longer than {schema['maxLength']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{where}: required {name!r} missing")
        addl = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                out += schema_problems(spec, props[k], v, f"{where}.{k}")
            elif addl is False:
                out.append(f"{where}: {k!r} is not in the schema")
            elif isinstance(addl, dict):
                out += schema_problems(spec, addl, v, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += schema_problems(spec, schema["items"], v, f"{where}[{i}]")
    return out


def response_problems(spec, template, r):
    """Checks a response against api.yaml: its status is documented for
    `template` (a path of the spec), it is JSON, and the body fits."""
    op = spec["paths"][template]["get"]
    resp = op["responses"].get(str(r.status))
    if resp is None:
        return [f"{r.where}: status {r.status} is not documented for {template}"]
    resp = _resolve(spec, resp)
    ct = (r.header("Content-Type") or "").lower()
    if not ct.startswith("application/json"):
        return [f"{r.where}: Content-Type {ct!r}, not JSON"]
    try:
        body = json.loads(r.body)
    except ValueError as e:
        return [f"{r.where}: not JSON ({e}): {harness.short(r.text)}"]
    schema = resp["content"]["application/json"]["schema"]
    return [f"{r.where}: {p}" for p in schema_problems(spec, schema, body)]


# ------------------------------------------------------------------ helpers ----

def new_token(t, stack, officer, name="test token", expires=None):
    args = ["api-token", "create", "--officer", officer, "--name", name] + (["--expires", expires] if expires else [])
    p = stack.admin(*args)
    t.require(p.returncode == 0, f"api-token create: {p.returncode} {p.stderr.decode(errors='replace')}")
    lines = p.stdout.decode().splitlines()
    t.require(len(lines) == 1 and re.fullmatch(r"tn_[0-9a-f]{12}_[0-9a-f]{64}", lines[0]),
              f"the token alone on stdout: {p.stdout!r}")
    tok = lines[0]
    tid = stack.value("SELECT id FROM api_token WHERE prefix = :'p'", p=tok[3:15])
    return tok, str(tid)


def call(stack, path, token=None, headers=None, method="GET"):
    h = {"Authorization": f"Bearer {token}"} if token else {}
    h.update(headers or {})
    return stack.request(method, path, headers=h)


def api_json(t, spec, stack, template, path, token, status=200):
    r = call(stack, path, token)
    t.require(r.status == status, f"{r.where}: {r.status}, want {status}: {harness.short(r.text, 400)}")
    for p in response_problems(spec, template, r):
        t.check(False, p)
    t.check(not harness.security_header_problems(r), f"{r.where}: {harness.security_header_problems(r)}")
    return json.loads(r.body)


def walk(t, spec, stack, token, query, limit):
    """Every page of /submissions?query, following `next`; returns (ids, bodies)."""
    ids, bodies, after = [], [], None
    for _ in range(1000):
        q = dict(query, limit=str(limit))
        if after:
            q["after"] = after
        body = api_json(t, spec, stack, "/submissions", "/api/v1/submissions?" + urllib.parse.urlencode(q), token)
        bodies.append(json.dumps(body, ensure_ascii=False))
        t.check(len(body["items"]) <= limit, f"a page holds at most limit={limit} rows")
        ids += [i["id"] for i in body["items"]]
        after = body["next"]
        if after is None:
            break
        t.check(len(body["items"]) == limit, "a page with a next is full")
    return ids, bodies


# The rows the queue lists without a form filter: survey answers only when urgent (sql/036_queue_surveys.sql).
QUEUED = "(s.urgent OR NOT EXISTS (SELECT 1 FROM survey_form sf WHERE sf.form_id = s.form_id))"


def in_scope_ids(stack, username, where="true", queued=True, **vars):
    return {row["id"] for row in stack.rows(
        "SELECT s.id FROM submission s JOIN workplace w ON w.id = s.workplace_id JOIN org_unit u ON u.id = w.unit_id "
        "WHERE u.path LIKE (SELECT u2.path FROM officer o JOIN org_unit u2 ON u2.id = o.unit_id "
        f"                  WHERE o.username = :'user') || '%' AND ({where}) AND {QUEUED if queued else 'true'}",
        user=username, **vars)}


def _report(t, stack, workplace_word, text, contact=False):
    token = next(tok for tok, name, _ in stack.demo if workplace_word in name)
    fields = [("category", "wages"), ("text", text)]
    if contact:
        fields += [("contact_name", CONTACT_NAME), ("contact_phone", CONTACT_PHONE), ("contact_consent", "yes")]
    r, idem = stack.submit(token, fields)
    t.require(r.status == 200, f"a report at {workplace_word}: {r.status} {harness.short(r.text)}")
    return stack.value("SELECT id FROM submission WHERE idempotency_key = :'k'", k=idem)


# ------------------------------------------------------------------- tests ----

def test_tokens_cli(t, stack):
    tok, tid = new_token(t, stack, "demo.tanphong", "bảng điều khiển tỉnh")
    stored = stack.value("SELECT encode(hash, 'hex') FROM api_token WHERE id = :'i'", i=tid)
    t.eq(stored, hashlib.sha256(tok.encode()).hexdigest(), "only sha256 of the token is stored")
    t.eq(stack.value("SELECT count(*) FROM api_token WHERE encode(hash, 'hex') LIKE '%' || :'s' || '%' "
                     "OR prefix = :'s'", s=tok[16:]), 0, "the secret itself is nowhere in the table")
    lst = stack.admin("api-token", "list")
    out = lst.stdout.decode()
    t.eq(lst.returncode, 0, "api-token list")
    t.check(tok[3:15] in out and tok[16:] not in out and tok not in out, f"list shows the prefix, never the token: {out}")
    t.check(re.search(rf"^{tid}\t.*\tdemo\.tanphong\tbảng điều khiển tỉnh\t.*\tactive\t", out, re.M),
            f"the row names officer, name and state: {out}")
    only = stack.admin("api-token", "list", "--officer", "demo.tinh").stdout.decode()
    t.check(tok[3:15] not in only, "list --officer shows that officer's tokens only")
    t.eq(call(stack, "/api/v1/submissions?limit=1", tok).status, 200, "the new token works")

    bad = [
        (["api-token", "create", "--name", "x"], "--officer"),
        (["api-token", "create", "--officer", "demo.tinh"], "--name"),
        (["api-token", "create", "--officer", "nobody.here", "--name", "x"], "--officer"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", ""], "--name"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", "x" * 101], "--name"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", "a\x07b"], "--name"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", b"\xff\xfe"], "--name"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", "x", "--expires", "2026-02-30"], "--expires"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", "x", "--expires", "2020-01-01"], "--expires"),
        (["api-token", "create", "--officer", "demo.tinh", "--name", "x", "--expires", "'; DROP TABLE api_token;--"],
         "--expires"),
        (["api-token", "list", "--name", "x"], "--officer"),
        (["api-token", "revoke"], "id"),
        (["api-token", "revoke", "abc"], "id"),
        (["api-token", "revoke", "999999999"], "999999999"),
        (["api-token", "frobnicate"], "create, list or revoke"),
        (["api-token"], "create, list or revoke"),
        (["api-token", "create", "--bogus", "1"], "--bogus"),
    ]
    before = stack.value("SELECT count(*) FROM api_token")
    for args, named in bad:
        p = stack.admin(*args)
        err = p.stderr.decode(errors="replace")
        t.check(p.returncode == 2 and named in err, f"{args!r}: exit {p.returncode}, naming {named!r}: {err!r}")
        t.check(b"tn_" not in p.stdout, f"{args!r}: no token printed")
    t.eq(stack.value("SELECT count(*) FROM api_token"), before, "nothing stored by refused commands")

    p = stack.admin("api-token", "revoke", tid)
    t.check(p.returncode == 0 and "revoked" in p.stdout.decode(), f"revoke: {p.returncode} {p.stdout!r}")
    t.eq(call(stack, "/api/v1/submissions", tok).status, 401, "a revoked token stops at once")
    p = stack.admin("api-token", "revoke", tid)
    t.check(p.returncode == 0 and "already" in p.stdout.decode(), f"revoking again changes nothing: {p.stdout!r}")
    t.check(re.search(rf"^{tid}\t.*\trevoked\t", stack.admin("api-token", "list").stdout.decode(), re.M),
            "list shows it revoked")
    acts = [r["action"] for r in stack.rows("SELECT action FROM audit_log WHERE object = :'o' ORDER BY id",
                                            o=f"api_token:{tid}")]
    t.check(acts[:1] == ["api_token.create"] and "api_token.revoke" in acts and "api.call" in acts,
            f"create, the call and revoke are audited: {acts}")
    t.check(stack.admin("api-token", "--help").stdout.decode().count("api-token create") == 1, "--help shows the usage")


def test_submissions(t, stack):
    spec = _spec()
    tok, tid = new_token(t, stack, "demo.tinh", "province sync")
    mine = [_report(t, stack, "Tân Phong", f"Chậm lương tháng {i} ở xưởng may") for i in range(4)]
    tea = [_report(t, stack, "Chè", f"Nợ lương công nhân hái chè đợt {i}") for i in range(3)]
    secret = _report(t, stack, "Chè", "Phản ánh có để lại liên hệ riêng tư", contact=True)
    t.require(stack.value("SELECT contact_sealed IS NOT NULL FROM submission WHERE id = :'i'", i=secret),
              "the report holds sealed contact details")
    want = in_scope_ids(stack, "demo.tinh")
    for limit in (3, 500):
        ids, bodies = walk(t, spec, stack, tok, {}, limit)
        t.eq(len(ids), len(set(ids)), f"limit={limit}: no row twice")
        t.eq(set(ids), want, f"limit={limit}: every report in scope, none outside (SQL as the superuser)")
        t.check(all(CONTACT_PHONE not in b and CONTACT_NAME not in b for b in bodies), "no contact details in any page")
    t.check(set(mine + tea + [secret]) <= set(ids), "the new reports are listed")
    order = stack.rows("SELECT id FROM submission WHERE id = ANY(:'ids'::bigint[]) "
                       "ORDER BY (urgent AND status = 'new') DESC, received_at DESC, id DESC",
                       ids="{" + ",".join(map(str, ids)) + "}")
    t.eq(ids, [o["id"] for o in order], "urgent new first, then newest first, as the queue")

    # filters, each compared with SQL
    wp = stack.value("SELECT workplace_id FROM submission WHERE id = :'i'", i=tea[0])
    stack.psql("UPDATE submission SET status = 'in_review', urgent = true WHERE id = :'i'", i=mine[0])
    today = stack.value("SELECT to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')")
    cases = [
        ({"status": "in_review"}, "s.status = 'in_review'"),
        ({"form": "concern"}, "s.form_id = 'concern'"),
        ({"workplace": str(wp)}, f"s.workplace_id = {int(wp)}"),
        ({"urgent": "true"}, "s.urgent"),
        ({"urgent": "false"}, "NOT s.urgent"),
        ({"from": today, "to": today}, "(s.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = "
                                       "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"),
        ({"q": "hai che"}, "s.search_text LIKE '%hai che%'"),
        ({"q": "hai che", "workplace": str(wp), "limit": "2"}, f"s.search_text LIKE '%hai che%' AND s.workplace_id = {int(wp)}"),
    ]
    cases.append(({"form": "bargaining_survey"}, "s.form_id = 'bargaining_survey'"))
    for q, where in cases:
        ids, _ = walk(t, spec, stack, tok, {k: v for k, v in q.items() if k != "limit"}, int(q.get("limit", 7)))
        t.eq(set(ids), in_scope_ids(stack, "demo.tinh", where, queued="form" not in q), f"filter {q}")
        t.eq(len(ids), len(set(ids)), f"filter {q}: no row twice")
    t.check(mine[0] in walk(t, spec, stack, tok, {"status": "in_review", "urgent": "true"}, 50)[0], "filters combine")

    one = api_json(t, spec, stack, "/submissions/{id}", f"/api/v1/submissions/{secret}", tok)
    t.eq(one["id"], secret, "one report by id")
    t.eq(one["answers"].get("text"), "Phản ánh có để lại liên hệ riêng tư", "its answers")
    raw = json.dumps(one, ensure_ascii=False)
    t.check(CONTACT_PHONE not in raw and CONTACT_NAME not in raw and "contact" not in raw,
            f"no contact details, not even their column names: {harness.short(raw)}")
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    rev = c.post(f"/admin/s/{secret}", [("action", "reveal")])
    t.check(rev.status == 200 and CONTACT_PHONE in rev.text, "an officer may reveal it in the console (audited)")
    c.post(f"/admin/s/{secret}", [("action", "message"), ("body", "Chúng tôi đã nhận được")])
    c.post(f"/admin/s/{secret}", [("action", "note"), ("body", "Ghi chú nội bộ")])
    one = api_json(t, spec, stack, "/submissions/{id}", f"/api/v1/submissions/{secret}", tok)
    raw = json.dumps(one, ensure_ascii=False)
    t.check(CONTACT_PHONE not in raw and CONTACT_NAME not in raw, "revealed once, still never through the API")
    t.eq([m["body"] for m in one["messages"]], ["Chúng tôi đã nhận được"], "the thread")
    t.eq([n["body"] for n in one["notes"]], ["Ghi chú nội bộ"], "the internal notes")
    t.eq(api_json(t, spec, stack, "/submissions/{id}", "/api/v1/submissions/999999999", tok, 404)["error"],
         "not_found", "an id that does not exist: 404")


def test_cases_and_stats(t, stack):
    spec = _spec()
    tok, _ = new_token(t, stack, "demo.tinh", "cases sync")
    ward, _ = new_token(t, stack, "demo.tanphong", "ward cases")
    logins = harness.demo_logins(stack)
    c = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    sub_tea = _report(t, stack, "Chè", "Nợ lương ba tháng ở nhà máy chè")
    sub_ward = _report(t, stack, "Tân Phong", "Nợ lương hai tháng ở xưởng may")
    k_tea = test_cases._create(t, c, str(sub_tea), "Nợ lương nhà máy chè", "2026-01-10")
    k_ward = test_cases._create(t, c, str(sub_ward), "Nợ lương xưởng may", "2026-02-10")
    def cases_of(code, where="true"):
        return {r["id"] for r in stack.rows(
            "SELECT k.id FROM dispute_case k JOIN workplace w ON w.id = k.workplace_id JOIN org_unit u ON u.id = w.unit_id "
            f"WHERE u.path LIKE (SELECT path FROM org_unit WHERE code = :'c') || '%' AND ({where})", c=code)}
    all_cases, ward_cases = cases_of("LDLD-LAICHAU"), cases_of("CD-TANPHONG")

    def walk_cases(token, query=None):
        ids, after = [], None
        for _ in range(500):
            q = dict(query or {}, limit="1")
            if after:
                q["after"] = after
            body = api_json(t, spec, stack, "/cases", "/api/v1/cases?" + urllib.parse.urlencode(q), token)
            ids += [i["id"] for i in body["items"]]
            after = body["next"]
            if after is None:
                return ids
        return ids
    got = walk_cases(tok)
    t.eq(len(got), len(set(got)), "cases: no row twice")
    t.eq(set(got), all_cases, "the province sees every case")
    got = walk_cases(ward)
    t.eq(set(got), ward_cases, "the ward sees its own cases only")
    t.check(int(k_tea) not in got and int(k_ward) in got, "the tea factory's case is not the ward's")
    t.eq(set(walk_cases(tok, {"kind": "wage_arrears", "stage": "intake"})),
         cases_of("LDLD-LAICHAU", "k.kind = 'wage_arrears' AND k.stage = 'intake'"),
         "cases filtered by kind and stage")
    one = api_json(t, spec, stack, "/cases/{id}", f"/api/v1/cases/{k_tea}", tok)
    t.eq(one["submission_ids"], [sub_tea], "a case lists its reports")
    t.eq(one["title"], "Nợ lương nhà máy chè", "and its title")
    t.eq(api_json(t, spec, stack, "/cases/{id}", f"/api/v1/cases/{k_tea}", ward, 404)["error"], "not_found",
         "another unit's case: 404")

    st = api_json(t, spec, stack, "/stats", "/api/v1/stats", tok)
    t.eq(st["unit"], "LDLD-LAICHAU", "stats default to the officer's unit")
    ward_unit = stack.value("SELECT id FROM org_unit WHERE code = 'CD-TANPHONG'")
    tea_unit = stack.value("SELECT id FROM org_unit WHERE code = 'CDN-CONGTHUONG'")
    st = api_json(t, spec, stack, "/stats", f"/api/v1/stats?unit={ward_unit}&from=2020-01-01&to=2099-12-31", tok)
    t.eq((st["unit"], st["from"], st["to"]), ("CD-TANPHONG", "2020-01-01", "2099-12-31"), "a unit below, a period")
    t.check({"reports.total", "wage_arrears.enterprises", "cases.recovered_amount"} <= {i["code"] for i in st["indicators"]},
            "with the federation's indicators")
    cli = json.loads(stack.admin("export", "stats", "--format", "json", "--unit", "CD-TANPHONG", "--from", "2020-01-01",
                                 "--to", "2099-12-31").stdout)
    t.eq(st["indicators"], cli["indicators"], "the same table as `export stats --format json`")
    r = api_json(t, spec, stack, "/stats", f"/api/v1/stats?unit={tea_unit}", ward, 404)
    t.eq(r.get("parameter"), "unit", "a unit outside the ward's scope: 404 naming unit")


def test_scope_and_officer_changes(t, stack):
    spec = _spec()
    ward, _ = new_token(t, stack, "demo.tanphong", "ward")
    tea = _report(t, stack, "Chè", "Ngoài phạm vi phường: nhà máy chè")
    mine = _report(t, stack, "Tân Phong", "Trong phạm vi phường")
    ids, bodies = walk(t, spec, stack, ward, {}, 500)
    t.eq(set(ids), in_scope_ids(stack, "demo.tanphong"), "the ward's list is exactly its scope (SQL as the superuser)")
    outside = in_scope_ids(stack, "demo.tinh") - in_scope_ids(stack, "demo.tanphong")
    t.check(outside and not (set(ids) & outside), "no other unit's report in the list")
    t.check(all("nhà máy chè" not in b for b in bodies), "nothing of it in the pages")
    ids, _ = walk(t, spec, stack, ward, {"q": "nha may che"}, 50)
    t.eq(ids, [], "search does not reach outside the scope")
    wp = stack.value("SELECT workplace_id FROM submission WHERE id = :'i'", i=tea)
    ids, _ = walk(t, spec, stack, ward, {"workplace": str(wp)}, 50)
    t.eq(ids, [], "filtering on another unit's workplace finds nothing")
    r404 = call(stack, f"/api/v1/submissions/{tea}", ward)
    rnone = call(stack, "/api/v1/submissions/999999998", ward)
    t.eq((r404.status, r404.body), (rnone.status, rnone.body), "out of scope answers exactly as absent (404)")
    t.check("nhà máy chè" not in r404.text, "and leaks nothing")
    t.eq(call(stack, f"/api/v1/submissions/{mine}", ward).status, 200, "its own report")

    # the officer's unit and role are read at every call
    stack.psql("UPDATE officer SET unit_id = (SELECT id FROM org_unit WHERE code = 'CDN-CONGTHUONG') "
               "WHERE username = 'demo.tanphong'")
    try:
        t.eq(call(stack, f"/api/v1/submissions/{tea}", ward).status, 200, "moved to the sector union: its reports at once")
        t.eq(call(stack, f"/api/v1/submissions/{mine}", ward).status, 404, "and the ward's no longer")
    finally:
        stack.psql("UPDATE officer SET unit_id = (SELECT id FROM org_unit WHERE code = 'CD-TANPHONG') "
                   "WHERE username = 'demo.tanphong'")
    stack.psql("UPDATE officer SET disabled_at = now() WHERE username = 'demo.tanphong'")
    try:
        r = call(stack, "/api/v1/submissions", ward)
        t.eq(r.status, 401, "a disabled officer's tokens stop working")
    finally:
        stack.psql("UPDATE officer SET disabled_at = NULL WHERE username = 'demo.tanphong'")
    t.eq(call(stack, "/api/v1/submissions", ward).status, 200, "and work again when re-enabled")

    # row-level security, not only the WHERE clauses: the API's own transaction setup as the ward
    n = stack.psql("BEGIN; SELECT set_config('tiengnoi.scope', (SELECT path FROM org_unit WHERE code = 'CD-TANPHONG'), true), "
                   "set_config('tiengnoi.role', 'officer', true), set_config('tiengnoi.officer', "
                   "(SELECT id::text FROM officer WHERE username = 'demo.tanphong'), true) \\g /dev/null\n"
                   "SET LOCAL ROLE tiengnoi_officer; SELECT count(*) FROM submission WHERE id = " + str(int(tea)) + "; "
                   "SELECT count(*) FROM api_token t JOIN officer o ON o.id = t.officer_id WHERE o.username = 'demo.tinh'; "
                   "COMMIT;")
    t.eq(n.split(), ["0", "0"], "as the ward's role, PostgreSQL hides the other unit's report and the admin's tokens")


def test_bad_tokens_and_input(t, stack):
    spec = _spec()
    tok, tid = new_token(t, stack, "demo.tinh", "bad input")
    denied_before = stack.value("SELECT count(*) FROM audit_log WHERE action = 'api.denied'")
    wrong = tok[:-4] + ("0000" if not tok.endswith("0000") else "1111")
    for name, headers in [
        ("no Authorization header", {}),
        ("a Basic header", {"Authorization": "Basic ZGVtbzpkZW1v"}),
        ("an empty bearer", {"Authorization": "Bearer "}),
        ("a malformed token", {"Authorization": "Bearer tn_xyz"}),
        ("a token of another shape", {"Authorization": "Bearer " + "a" * 80}),
        ("an unknown prefix", {"Authorization": "Bearer tn_000000000000_" + "0" * 64}),
        ("the right prefix, a wrong secret", {"Authorization": f"Bearer {wrong}"}),
        ("SQL in the header", {"Authorization": "Bearer ' OR 1=1 --"}),
        ("a session cookie instead", {"Cookie": "tn_session=" + "0" * 64}),
    ]:
        r = stack.get("/api/v1/submissions", headers=headers)
        t.eq(r.status, 401, name)
        t.check(not response_problems(spec, "/submissions", r), f"{name}: {response_problems(spec, '/submissions', r)}")
        t.check("Bearer" in (r.header("WWW-Authenticate") or ""), f"{name}: WWW-Authenticate")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'api.denied' AND object = :'o' "
                        "AND detail = 'wrong secret'", o=f"api_token:{tid}") >= 1, "a wrong secret is audited")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'api.denied'") > denied_before, "denials audited")
    t.eq(call(stack, f"/api/v1/submissions?token={tok}").status, 401, "a token in the URL is not accepted")
    stack.psql("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = :'i'", i=tid)
    t.eq(call(stack, "/api/v1/submissions", tok).status, 401, "an expired token")
    t.check(stack.value("SELECT count(*) FROM audit_log WHERE action = 'api.denied' AND object = :'o' "
                        "AND detail = 'expired'", o=f"api_token:{tid}") == 1, "expiry is audited")
    stack.psql("UPDATE api_token SET expires_at = now() + interval '1 day' WHERE id = :'i'", i=tid)
    t.eq(call(stack, "/api/v1/submissions", tok).status, 200, "valid again before its new expiry")
    lower = "Bearer " + tok
    t.eq(stack.get("/api/v1/submissions", headers={"Authorization": "bearer " + tok}).status, 200,
         "the scheme is case-insensitive")
    t.eq(stack.get("/api/v1/submissions", headers={"Authorization": lower}).status, 200, "as documented")

    sub_bad = [
        ("status=bogus", "status"), ("status=", None), ("form=Bad!", "form"), ("form=" + "a" * 41, "form"),
        ("workplace=abc", "workplace"), ("workplace=-1", "workplace"), ("workplace=" + "9" * 19, "workplace"),
        ("from=2026-02-30", "from"), ("from=05/12/2026", "from"), ("to=yesterday", "to"), ("urgent=yes", "urgent"),
        ("urgent=1", "urgent"), ("q=" + "x" * 201, "q"), ("after=garbage", "after"), ("after=1-", "after"),
        ("after=-5", "after"), ("limit=0", "limit"), ("limit=-1", "limit"), ("limit=abc", "limit"),
        ("limit=501", "limit"), ("limit=99999999999", "limit"), ("foo=bar", "foo"), ("status=new&status=spam", "status"),
        ("lang=en", "lang"), ("limit=1.5", "limit"),
    ]
    rows_before = stack.value("SELECT count(*) FROM submission")
    for q, param in sub_bad:
        r = call(stack, f"/api/v1/submissions?{q}", tok)
        if param is None:
            t.eq(r.status, 200, f"?{q} (empty means no filter)")
            continue
        t.eq(r.status, 400, f"?{harness.short(q, 60)}")
        t.check(not response_problems(spec, "/submissions", r), f"?{q}: {response_problems(spec, '/submissions', r)}")
        body = json.loads(r.body) if r.status == 400 else {}
        t.eq(body.get("parameter"), param, f"?{harness.short(q, 60)}: the parameter named")
    r = call(stack, "/api/v1/submissions?limit=501", tok)
    t.check("500" in json.loads(r.body).get("message", ""), "the limit says what the maximum is")
    for q, param in [("stage=bogus", "stage"), ("kind=x", "kind"), ("workplace=x", "workplace"), ("after=x", "after"),
                     ("limit=501", "limit"), ("status=new", "status")]:
        r = call(stack, f"/api/v1/cases?{q}", tok)
        t.check(r.status == 400 and json.loads(r.body).get("parameter") == param, f"cases ?{q}: {r.status} {r.text}")
        t.check(not response_problems(spec, "/cases", r), f"cases ?{q}: {response_problems(spec, '/cases', r)}")
    for q, param in [("unit=abc", "unit"), ("from=2026-01-01", "to"), ("from=bad&to=2026-01-01", "from"),
                     ("from=2026-02-01&to=2026-01-01", "to"), ("format=xlsx", "format")]:
        r = call(stack, f"/api/v1/stats?{q}", tok)
        t.check(r.status == 400 and json.loads(r.body).get("parameter") == param, f"stats ?{q}: {r.status} {r.text}")
    r = call(stack, "/api/v1/submissions/1?x=1", tok)
    t.check(r.status == 400 and json.loads(r.body).get("parameter") == "x", f"one report takes no parameters: {r.status}")

    # hostile values that are well-formed: answered, nothing run, nothing stored
    for q in ["'; DROP TABLE submission; --", "<script>alert(1)</script>", "%' OR '1'='1", "\\x00", "Đ" * 200,
              "nợ lương\u0301"]:
        r = call(stack, "/api/v1/submissions?" + urllib.parse.urlencode({"q": q}), tok)
        t.eq(r.status, 200, f"q={harness.short(q, 40)}")
        t.check(not response_problems(spec, "/submissions", r), f"q={q!r}: {response_problems(spec, '/submissions', r)}")
        t.eq(r.header("Content-Type"), "application/json; charset=utf-8", "JSON, never HTML to sniff")
    r = call(stack, "/api/v1/submissions?q=%FF%FE", tok)
    t.eq(r.status, 400, "non-UTF-8 in the query: 400")
    r = call(stack, "/api/v1/submissions?q=a%00b", tok)
    t.eq(r.status, 400, "a NUL in the query: 400")
    r = call(stack, "/api/v1/submissions?q=" + "x" * 20000, tok)
    t.check(r.status in (400, 414), f"a huge query is refused: {r.status}")
    t.eq(stack.value("SELECT count(*) FROM submission"), rows_before, "nothing stored or lost")

    # routes: methods, unknown paths, ids -- all JSON
    r = call(stack, "/api/v1/submissions", tok, method="POST")
    t.check(r.status == 405 and "GET" in (r.header("Allow") or "") and r.header("Content-Type", ).startswith("application/json"),
            f"POST: 405 JSON with Allow: {r.status} {r.header('Allow')}")
    for path in ("/api/v1/nothing", "/api/v1/submissions/abc", "/api/v1/submissions/1/2", "/api/v2/submissions",
                 "/api/v1/submissions/" + "9" * 19):
        r = call(stack, path, tok)
        t.check(r.status == 404 and (r.header("Content-Type") or "").startswith("application/json"),
                f"{path}: 404 JSON, got {r.status}")


def test_audit(t, stack):
    tok, tid = new_token(t, stack, "demo.tanphong", "audited")
    before = stack.value("SELECT count(*) FROM audit_log WHERE action = 'api.call' AND object = :'o'", o=f"api_token:{tid}")
    call(stack, "/api/v1/submissions?status=new&limit=5", tok)
    call(stack, "/api/v1/cases", tok)
    call(stack, "/api/v1/submissions/999999997", tok)
    call(stack, "/api/v1/submissions?limit=9999", tok)
    rows = stack.rows("SELECT officer_id, unit_id, detail FROM audit_log WHERE action = 'api.call' AND object = :'o' "
                      "ORDER BY id", o=f"api_token:{tid}")
    t.eq(len(rows) - before, 4, "one audit row per call, refusals included")
    details = [r["detail"] for r in rows[before:]]
    t.eq(details, ["200 GET /api/v1/submissions?status=new&limit=5", "200 GET /api/v1/cases",
                   "404 GET /api/v1/submissions/999999997", "400 GET /api/v1/submissions?limit=9999"],
         "each names status, path and query")
    off = stack.value("SELECT id FROM officer WHERE username = 'demo.tanphong'")
    unit = stack.value("SELECT unit_id FROM officer WHERE username = 'demo.tanphong'")
    t.check(all(r["officer_id"] == off and r["unit_id"] == unit for r in rows), "as the token's officer and unit")
    t.check(all(tok[16:] not in r["detail"] for r in rows), "the token is never in the audit log")
    t.check(tok[16:] not in stack.log_text("app.log") and tok[16:] not in stack.log_text("nginx-access.log"),
            "nor in the app's or nginx's logs")
    v = stack.admin("audit", "verify")
    t.eq(v.returncode, 0, f"the audit chain stays intact: {v.stdout!r} {v.stderr!r}")


def test_console_tokens(t, stack):
    logins = harness.demo_logins(stack)
    ward_tok, ward_id = new_token(t, stack, "demo.tanphong", "ward <b>dashboard</b>")
    prov_tok, prov_id = new_token(t, stack, "demo.tinh", "province sync")
    ward = harness.console_login(stack, "demo.tanphong", logins["demo.tanphong"])
    prov = harness.console_login(stack, "demo.tinh", logins["demo.tinh"])
    t.require(ward.cookie and prov.cookie, "both sign in")
    page = ward.get("/admin/tokens")
    t.eq(page.status, 200, "the ward officer's tokens page")
    t.check(not harness.readable_vi_problems(page), f"{harness.readable_vi_problems(page)}")
    t.check(f'data-token="{ward_id}"' in page.text and ward_tok[3:15] in page.text, "lists the officer's own token")
    t.check("ward &lt;b&gt;dashboard&lt;/b&gt;" in page.text and "<b>dashboard" not in page.text, "names escaped")
    t.check(f'data-token="{prov_id}"' not in page.text, "not the admin's token")
    t.check(ward_tok[16:] not in page.text and prov_tok[16:] not in page.text, "never a secret")
    ppage = prov.get("/admin/tokens")
    t.check(f'data-token="{ward_id}"' in ppage.text and f'data-token="{prov_id}"' in ppage.text,
            "an admin sees the tokens of the officers of their subtree")

    r = ward.post(f"/admin/tokens/{prov_id}", [])
    t.eq(r.status, 404, "the ward officer cannot revoke the admin's token (outside what they see)")
    t.eq(call(stack, "/api/v1/cases", prov_tok).status, 200, "which still works")
    r = ward.post(f"/admin/tokens/{ward_id}", [], csrf=False)
    t.eq(r.status, 403, "revoking without the CSRF token: 403")
    t.eq(call(stack, "/api/v1/cases", ward_tok).status, 200, "nothing revoked")
    r = ward.post(f"/admin/tokens/{ward_id}", [])
    t.eq(r.status, 303, "revoked from the console")
    t.eq(call(stack, "/api/v1/cases", ward_tok).status, 401, "and the token stops at once")
    t.check("revoked" in ward.get("/admin/tokens").text or "thu hồi" in ward.get("/admin/tokens").text.lower(),
            "the page shows it revoked")
    t.eq(stack.value("SELECT revoked_by FROM api_token WHERE id = :'i'", i=ward_id),
         stack.value("SELECT id FROM officer WHERE username = 'demo.tanphong'"), "who revoked it is kept")
    t.eq(stack.value("SELECT count(*) FROM audit_log WHERE action = 'api_token.revoke' AND object = :'o' "
                     "AND officer_id IS NOT NULL", o=f"api_token:{ward_id}"), 1, "audited as the officer")
    r = prov.post(f"/admin/tokens/{prov_id}", [])
    t.eq(r.status, 303, "an admin revokes their own")
    t.eq(call(stack, "/api/v1/cases", prov_tok).status, 401, "stopped")
    t.eq(prov.post("/admin/tokens/999999999", []).status, 404, "an unknown token: 404")
    t.eq(stack.get("/admin/tokens").status, 303, "signed out: to the sign-in page")


def test_rate_limit(t, _main_stack):
    """Its own stack with the app's limits on (the suite's stack runs without)."""
    stack = harness.Stack(env_extra={"TIENGNOI_APP_RATELIMIT": "on"})
    try:
        stack.start()
        spec = _spec()
        tok, _ = new_token(t, stack, "demo.tinh", "flood")
        other, _ = new_token(t, stack, "demo.tinh", "calm")
        if time.time() % 60 > 50:      # the limit counts per clock minute: the flood stays inside one
            time.sleep(60.5 - time.time() % 60)
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(lambda _: call(stack, "/api/v1/cases?limit=1", tok).status, range(125)))
        t.eq((codes.count(200), codes.count(429)), (120, 5), "120 calls a minute are served, then 429")
        r = call(stack, "/api/v1/cases?limit=1", tok)
        t.eq(r.status, 429, "still limited")
        t.check(not response_problems(spec, "/cases", r), f"{response_problems(spec, '/cases', r)}")
        ra = r.header("Retry-After") or ""
        t.check(ra.isdigit() and 1 <= int(ra) <= 60, f"with Retry-After in seconds: {ra!r}")
        t.eq(call(stack, "/api/v1/cases?limit=1", other).status, 200, "another token is not limited")
        t.eq(stack.get("/healthz").status, 200, "nor is anything else")
    finally:
        stack.stop()
