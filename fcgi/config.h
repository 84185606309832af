/* config.h: settings from /etc/tiengnoi/tiengnoi.conf under the environment's overrides, shared by the app and the CLI. */
#ifndef TIENGNOI_CONFIG_H
#define TIENGNOI_CONFIG_H
#include <stddef.h>
#include "app.h"

#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_WORKERS_MAX 256
#define CONFIG_EXIT 78   /* EX_CONFIG: the unit's RestartPreventExitStatus= */

enum config_key {
	CONFIG_DATABASE,
	CONFIG_DATABASE_OWNER,
	CONFIG_DATABASE_READ,
	CONFIG_BASE_URL,
	CONFIG_WORKERS,
	CONFIG_SOCKET,
	CONFIG_FORMS_DIR,
	CONFIG_FORMS_OVERRIDE_DIR,
	CONFIG_SECRETS_DIR,
	CONFIG_STATE_DIR,
	CONFIG_SMTP_URL,
	CONFIG_MAIL_FROM,
	CONFIG__MAX
};

/* One parsed file: values (malloc'd, NULL when the key is absent) and the
 * line each came from. */
struct config {
	char *value[CONFIG__MAX];
	int line[CONFIG__MAX];
};

int config_parse(struct config *, const char *name, const char *text, size_t len, char *err, size_t errlen);
void config_clear(struct config *);
const char *config_key_name(enum config_key);

int config_load(char *err, size_t errlen);
const char *config_file(void);
const char *config_where(enum config_key);
const char *config_mask(const char *conninfo);

const char *config_var_dir(void);
const char *config_conninfo(bool owner);
const char *config_conninfo_read(void);
const char *config_key_path(void);
const char *config_secrets_dir(void);
const char *config_contact_path(bool secret);
const char *config_base_url(void);
int config_workers(void);
const char *config_socket(void);
const char *config_forms_dir(void);
const char *config_forms_override_dir(void);
const char *config_sql_dir(void);
const char *config_smtp_url(void);
const char *config_mail_from(void);

#endif
