/* cli_holiday.c: tiengnoi-admin's holiday calendar commands (days off and swapped working days) (sql/009, sql/017; the console's /admin/calendar). */
#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "brief.h"
#include "calendar.h"
#include "cli.h"
#include "db.h"

/* holiday list [--year YYYY]: day, weekday, name, source and kind (off,
 * or workday for a swapped working day), tab-separated, then the last day
 * the calendar covers. */
int
cmd_holiday_list(struct cli *cli, struct opts *o)
{
	const char *year = cli_opt(o, "year");
	if (o->npos > 0)
		return cli_fail(EXIT_USAGE, "holiday list takes no arguments besides --year");
	if (year && !calendar_year_valid(year))
		return cli_fail(EXIT_USAGE, "--year must be a year from 2000 to 2099, e.g. 2027");
	/* calendar_holidays()'s columns */
	enum { H_DAY, H_DMY, H_WEEKDAY, H_NAME, H_SOURCE, H_KIND };
	PGresult *res = calendar_holidays(cli->db, year);
	const char *end = calendar_end(cli->arena, cli->db);
	if (!db_ok(res) || end == NULL) {
		PQclear(res);
		return cli_db_failed(cli);
	}
	printf("day\tweekday\tname\tsource\tkind\n");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%s\t%s\t%s\t%s\t%s\n", PQgetvalue(res, i, H_DAY), PQgetvalue(res, i, H_WEEKDAY),
		    PQgetvalue(res, i, H_NAME), PQgetvalue(res, i, H_SOURCE), PQgetvalue(res, i, H_KIND));
	PQclear(res);
	printf("# the holiday calendar ends on %s\n", *end ? end : "(no holidays at all)");
	return EXIT_OK;
}

/* holiday add --day YYYY-MM-DD --name NAME [--source TEXT] [--working]:
 * adds a day off (a holiday, a day in lieu, a weekday swapped off), or
 * with --working a Saturday or Sunday made a working day; on a day
 * already there, corrects its name, source and kind. */
int
cmd_holiday_add(struct cli *cli, struct opts *o)
{
	const char *day = cli_opt(o, "day"), *name, *source = "", *old;
	const char *kind = cli_opt(o, "working") ? "workday" : "off";
	if (!brief_date_ok(day))
		return cli_fail(EXIT_USAGE, "--day must be a real date written YYYY-MM-DD, from 2000 to 2099");
	if (strcmp(kind, "workday") == 0 && calendar_isodow(day) < 6)
		return cli_fail(EXIT_USAGE, "--working: %s is a weekday, already a working day; only a Saturday or Sunday can be "
		    "made a working day (a weekday swapped off is a plain holiday add)", day);
	if (cli_opt(o, "name") == NULL)
		return cli_fail(EXIT_USAGE, "--name NAME is needed (e.g. \"Tết Nguyên Đán\")");
	if ((name = cli_text_arg(cli, "--name", cli_opt(o, "name"), CALENDAR_NAME_MAX)) == NULL)
		return EXIT_USAGE;
	if (cli_opt(o, "source") && (source = cli_text_arg(cli, "--source", cli_opt(o, "source"), CALENDAR_SOURCE_MAX)) == NULL)
		return EXIT_USAGE;
	if (db_begin(cli->db) != 0 || calendar_holiday_set(cli->arena, cli->db, day, name, source, kind, &old) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "database error: the holiday was not saved");
	}
	if (!cli_audit(cli, *old ? "holiday.correct" : "holiday.add", arena_printf(cli->arena, "holiday:%s", day),
	    *old ? arena_printf(cli->arena, "was: %s", old) : name, NULL) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing changed: the audit row or the commit failed");
	}
	printf("%s %s %s: %s\n", strcmp(kind, "workday") == 0 ? "working day" : "holiday", day, *old ? "corrected" : "added", name);
	return EXIT_OK;
}

/* holiday remove --day YYYY-MM-DD */
int
cmd_holiday_remove(struct cli *cli, struct opts *o)
{
	const char *day = cli_opt(o, "day"), *old;
	if (!brief_date_ok(day))
		return cli_fail(EXIT_USAGE, "--day must be a real date written YYYY-MM-DD, from 2000 to 2099");
	int found = db_begin(cli->db) == 0 ? calendar_holiday_remove(cli->arena, cli->db, day, &old) : -1;
	if (found != 1) {
		db_rollback(cli->db);
		return found == 0 ? cli_fail(EXIT_USAGE, "no holiday on %s (see holiday list)", day) :
		    cli_fail(EXIT_FAIL, "database error: the holiday was not removed");
	}
	if (!cli_audit(cli, "holiday.remove", arena_printf(cli->arena, "holiday:%s", day), arena_printf(cli->arena, "was: %s", old),
	    NULL) || db_commit(cli->db) != 0) {
		db_rollback(cli->db);
		return cli_fail(EXIT_FAIL, "nothing changed: the audit row or the commit failed");
	}
	printf("holiday %s removed\n", day);
	return EXIT_OK;
}
