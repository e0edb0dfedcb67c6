# schemadiff deployment settings; source-code options are in pyproject.toml.

[schemadiff]
# The database. env.py reads it; the tool itself does not.
sqlalchemy.url = sqlite:///%(here)s/app.db


# Logging, used by env.py's fileConfig() call.
[loggers]
keys = root,sqlalchemy,schemadiff

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_schemadiff]
level = INFO
handlers =
qualname = schemadiff

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
