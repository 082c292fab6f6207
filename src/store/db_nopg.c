/*
 * db_nopg.c — stands in for the PostgreSQL driver until it is built: a
 * postgres:// URL is refused with a clear error by db_open.
 */
#include "db_driver.h"

const struct db_driver *db_driver_postgres(void)
{
    return NULL;
}
