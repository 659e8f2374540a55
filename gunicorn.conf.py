"""gunicorn's settings beyond the command line: gunicorn reads this file from its working directory
(the image's /app) without being told, in the Dockerfile's and docker-compose.yml's `web` alike.

The access log's request line leaves the query string out, and the log leaves out the Referer: the
public register's lookup (/kanaler/sok/?adress=…) carries what a citizen asked in its query string,
and the log holds the client's address, so the two would otherwise be stored together
(channel_register/views/register.py; tested in ops/tests/test_gunicorn_config.py). A reverse proxy
in front of the app should log the same way."""

# gunicorn's default, with "%(r)s" (method, path and query) as method, path and protocol, and
# without "%(f)s" (the Referer, which may be a lookup's address with its query).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
