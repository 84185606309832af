/* config.h: settings from the environment, shared by the app and the CLI. */
#ifndef TIENGNOI_CONFIG_H
#define TIENGNOI_CONFIG_H
#include "app.h"

const char *config_var_dir(void);
const char *config_conninfo(bool owner);
const char *config_key_path(void);
const char *config_contact_path(bool secret);
const char *config_base_url(void);

#endif
