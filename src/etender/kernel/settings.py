"""Settings shared by the three services.

Each service's ``settings.py`` calls :func:`build` with its own apps and URL
configuration, so the services share conventions but never each other's
state: every service has its own database, media root and secret.

Environment variables (all optional):

``ETENDER_INSTANCE``       instance name, e.g. ``trading-a`` (default: the service name)
``ETENDER_VAR_DIR``        where SQLite files, media and keys live (default: ``./var``)
``ETENDER_DATABASE_URL``   ``postgres://user:pw@host:port/db`` or ``sqlite:///path`` (default: SQLite in the var dir)
``ETENDER_SECRET_KEY``     Django secret (default: generated once per instance in the var dir)
``ETENDER_DEBUG``          ``1`` for debug pages
``ETENDER_ALLOWED_HOSTS``  comma-separated host names (default: ``*``; set it in production)
``ETENDER_SSO_ISSUER``, ``ETENDER_SSO_CLIENT_ID``, ``ETENDER_SSO_CLIENT_SECRET`` (or ``ETENDER_SSO_CLIENT_SECRET_FILE``),
``ETENDER_SSO_REDIRECT_URI``  sign-in with the hub account on trading and supervision platforms
                              (``etender.kernel.sso``; docs/identity.md)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

KERNEL_DIR = Path(__file__).resolve().parent


def database_from_url(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(url[len("sqlite:///") :]),
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in ("postgres", "postgresql"):
        options: dict[str, Any] = {}
        db: dict[str, Any] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": unquote(parsed.hostname or ""),
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
        }
        # postgres:///db?host=/socket/dir
        for part in parsed.query.split("&"):
            if part.startswith("host="):
                db["HOST"] = unquote(part[5:])
        return db
    raise ValueError(f"unsupported database URL scheme: {parsed.scheme!r}")


def _secret(var_dir: Path, instance: str) -> str:
    if key := os.environ.get("ETENDER_SECRET_KEY"):
        return key
    path = var_dir / f"{instance}.secret"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
    from .signing import read_when_written

    return read_when_written(path).decode().strip()


def build(*, service: str, package: str, apps: list[str], title: str) -> dict[str, Any]:
    instance = os.environ.get("ETENDER_INSTANCE", service)
    var_dir = Path(os.environ.get("ETENDER_VAR_DIR", "var")).resolve()
    debug = os.environ.get("ETENDER_DEBUG", "") == "1"
    db_url = os.environ.get("ETENDER_DATABASE_URL") or f"sqlite:///{var_dir / (instance + '.sqlite3')}"
    hosts = os.environ.get("ETENDER_ALLOWED_HOSTS")
    service_dir = KERNEL_DIR.parent / service
    (var_dir / "static" / instance).mkdir(parents=True, exist_ok=True)

    return {
        "ETENDER_SERVICE": service,
        "ETENDER_INSTANCE": instance,
        "ETENDER_TITLE": title,
        "ETENDER_VAR_DIR": var_dir,
        "BASE_DIR": service_dir,
        "SECRET_KEY": _secret(var_dir, instance),
        "DEBUG": debug,
        "ALLOWED_HOSTS": hosts.split(",") if hosts else ["*"],
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django_htmx",
            "django_tasks",
            "django_tasks_db",
            "etender.kernel.web",
            "etender.kernel.audit",
            *apps,
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "etender.kernel.web.middleware.UploadLimitMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "django_htmx.middleware.HtmxMiddleware",
            "etender.kernel.web.middleware.ClientAddressMiddleware",
            "etender.kernel.web.middleware.RuleViolationMiddleware",
        ],
        "ROOT_URLCONF": f"{package}.urls",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.template.context_processors.i18n",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "etender.kernel.web.context.service",
                    ]
                },
            }
        ],
        "WSGI_APPLICATION": f"{package}.wsgi.application",
        "DATABASES": {"default": database_from_url(db_url)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "LANGUAGE_CODE": "zh-hans",
        "LANGUAGES": [("zh-hans", "简体中文"), ("en", "English")],
        "LOCALE_PATHS": [],
        "TIME_ZONE": "Asia/Shanghai",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": "/static/",
        "STATIC_ROOT": var_dir / "static" / instance,
        "MEDIA_ROOT": var_dir / "media" / instance,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": debug,
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "home",
        "LOGOUT_REDIRECT_URL": "home",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_NAME": f"etender_{instance.replace('-', '_')}_session",
        "CSRF_COOKIE_NAME": f"etender_{instance.replace('-', '_')}_csrf",
        "SESSION_COOKIE_AGE": 8 * 3600,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 10 * 1024 * 1024,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "ETENDER_SSO_ISSUER": os.environ.get("ETENDER_SSO_ISSUER", "").rstrip("/"),
        "ETENDER_SSO_CLIENT_ID": os.environ.get("ETENDER_SSO_CLIENT_ID", ""),
        "ETENDER_SSO_CLIENT_SECRET": os.environ.get("ETENDER_SSO_CLIENT_SECRET", ""),
        "ETENDER_SSO_CLIENT_SECRET_FILE": os.environ.get("ETENDER_SSO_CLIENT_SECRET_FILE", ""),
        "ETENDER_SSO_REDIRECT_URI": os.environ.get("ETENDER_SSO_REDIRECT_URI", ""),
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "root": {"handlers": ["console"], "level": os.environ.get("ETENDER_LOG_LEVEL", "WARNING")},
        },
    }
