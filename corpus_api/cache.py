"""The production cache when there is no Redis: Django's database cache, shared
by every worker and host that use the database, with an atomic incr.

Django's own incr reads the value and writes it back in two statements (and
resets the key's timeout), so two workers counting one client at the same
moment could both write the same count. Here the read and the write are one
transaction holding the row: SELECT ... FOR UPDATE on PostgreSQL; on SQLite the
transaction takes the write lock at BEGIN (settings.py sets IMMEDIATE), which
serialises writers. The key keeps its expiry. The throttles count with add and
incr (articles.api.throttling), so every request is counted once.

The table is created by `migrate` (articles.apps runs createcachetable after it).
"""

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(db.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        cache_key, value_column, expires_column = (quote_name(name) for name in ("cache_key", "value", "expires"))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value_column}, {expires_column} FROM {table} WHERE {cache_key} = %s{lock}",  # noqa: S608 - quoted names
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expires(connection, row[1]) < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 - our own rows
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value_column} = %s WHERE {cache_key} = %s",  # noqa: S608 - quoted names
                [encoded, key],
            )
        return value

    @staticmethod
    def _expires(connection, value):
        """The expires column as a datetime, as Django's get_many reads it."""
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value
