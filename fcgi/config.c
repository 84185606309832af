/* config.c: where the state directory, database, keys and public URL are, from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"

static const char *
env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/* TIENGNOI_VAR, default "var" (relative to the working directory). */
const char *
config_var_dir(void)
{
	return env_or("TIENGNOI_VAR", "var");
}

/* TIENGNOI_DB when set; else the private cluster's socket under the state
 * directory, as the owner role (CLI, migrations) or the app role. */
const char *
config_conninfo(bool owner)
{
	static char buf[2][1200];
	const char *db = getenv("TIENGNOI_DB");
	if (db && *db)
		return db;
	char *p = buf[owner];
	const char *var = config_var_dir();
	char abs[1024];
	if (var[0] != '/' && realpath(var, abs) != NULL)
		var = abs;
	snprintf(p, sizeof(buf[0]), "host='%s/run' dbname=tiengnoi user=%s connect_timeout=3",
	    var, owner ? "tiengnoi" : "tiengnoi_app");
	return p;
}

/* TIENGNOI_KEY_FILE, default VAR/secrets/server.key. */
const char *
config_key_path(void)
{
	static char p[1100];
	const char *k = getenv("TIENGNOI_KEY_FILE");
	if (k && *k)
		return k;
	snprintf(p, sizeof(p), "%s/secrets/server.key", config_var_dir());
	return p;
}

/* The contact-encryption key pair sits beside the server key: the app
 * needs only the public half to seal; the secret half opens contact
 * details for an officer who presses "reveal". */
const char *
config_contact_path(bool secret)
{
	static char p[2][1100];
	const char *k = config_key_path();
	const char *slash = strrchr(k, '/');
	int dirlen = slash ? (int)(slash - k) : 1;
	snprintf(p[secret], sizeof(p[0]), "%.*s/%s", dirlen, slash ? k : ".", secret ? "contact.key" : "contact.pub");
	return p[secret];
}

/* TIENGNOI_BASE_URL, the public address printed in QR codes. */
const char *
config_base_url(void)
{
	return env_or("TIENGNOI_BASE_URL", "http://127.0.0.1:8080");
}
