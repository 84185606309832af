/* filters.c: form parts several pages share (filters, entry and status forms): hidden fields, a labelled date, the workplaces in the officer's scope. */
#include <string.h>
#include <libpq-fe.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "filters.h"
#include "fmt.h"
#include "html.h"
#include "i18n.h"

/* <input type="hidden" name="NAME" value="VALUE">, both escaped. */
void
filters_hidden(struct buf *b, const char *name, const char *value)
{
	html_lit(b, "<input type=\"hidden\" name=\"");
	html_attr(b, name);
	html_lit(b, "\" value=\"");
	html_attr(b, value ? value : "");
	html_lit(b, "\">");
}

/* <label>LABEL <input type="date" name="NAME" value="VALUE"></label>;
 * `name` is a literal of the page, `value` what the officer typed. */
void
filters_date(struct req *r, const char *name, const char *vi, const char *en, const char *value, bool required)
{
	struct buf *b = r->out;
	html_lit(b, "<label>");
	html_text(b, L(r, vi, en));
	const struct kv attrs[] = { { "name", name, 0 } };
	html_lit(b, " <input type=\"");
	html_text(b, fmt_date_input(value));
	html_lit(b, "\"");
	html_attrs(b, attrs, 1);
	if (required)
		html_lit(b, " required");
	const struct kv v[] = { { "value", value ? value : "", 0 } };
	html_attrs(b, v, 1);
	html_lit(b, "></label>");
}

/* The workplaces in the officer's scope by name (columns FW_ID, FW_NAME),
 * at most `limit`; NULL when the database is away. Row-level security
 * keeps the scope too. The caller clears the result. */
PGresult *
filters_workplaces(struct req *r, int limit)
{
	const char *p[2] = { r->officer->unit_path, arena_printf(r->arena, "%d", limit) };
	return db_query(r->app->db, "SELECT w.id, w.name FROM workplace w JOIN org_unit u ON u.id = w.unit_id "
	    "WHERE u.path LIKE $1 || '%' ORDER BY w.name LIMIT $2::int", 2, p);
}
