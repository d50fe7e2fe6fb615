"""The API's permission matrix: every API URL pattern × the token that calls it.

The patterns are discovered from the root resolver and each view's own declaration (its
``institution`` and the scope of each action, api/permissions.py), so a new endpoint is
covered without anyone adding a row. For every pattern and method:

- no token → 401 (but for the public token, schema and docs endpoints);
- a token of the other kind of institution, with all its scopes → 403;
- a token of the right institution without the scope the action needs → 403;
- with all the scopes, another unit's object (a URL with ``pk``) → 404;
- and no cell ever answers 500.
"""

import json

import pytest
from django.core.cache import caches
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from accounts.models import Role
from api import scopes
from api.models import WebhookEndpoint
from api.webhooks import create_endpoint
from tests.api.conftest import Api, make_client, token_for
from tests.eks.conftest import started_card
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

#: URL name prefix → how the test makes "own" and "another unit's" objects for ``pk``.
OBJECT_KINDS = {"referral-": "referral", "webhook-": "webhook", "eks-": "eks"}


def api_patterns():
    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and prefix.startswith("api/v1/"):
                yield prefix + str(entry.pattern), entry

    return list(walk(get_resolver()))


def operations():
    """(name, route, view class, method, action) for every API operation."""
    for route, pattern in api_patterns():
        view = pattern.callback.cls
        actions = getattr(pattern.callback, "actions", None)
        if actions:
            methods = [(m.upper(), a) for m, a in actions.items()]
        else:
            methods = [
                (m.upper(), m)
                for m in ("get", "post", "put", "patch", "delete")
                if hasattr(view, m)
            ]
        for method, action in methods:
            yield pattern.name, route, view, method, action


OPERATIONS = list(operations())


def is_public(view) -> bool:
    return any(issubclass(p, AllowAny) for p in view.permission_classes) or view.__module__ in {
        "drf_spectacular.views"
    }


def scope_of(view, action):
    by_action = getattr(view, "required_scopes", None)
    return by_action.get(action) if by_action is not None else getattr(view, "required_scope", None)


class World:
    def __init__(self, unit, other_unit, office, issued):
        caches["default"].clear()
        self.unit, self.other_unit = unit, other_unit
        self.clients = {}
        for key, kwargs in (
            ("unit", {"unit": unit}),
            ("other_unit", {"unit": other_unit}),
            ("office", {"office": office}),
        ):
            client, secret = make_client(**kwargs)
            self.clients[key] = (client, secret)
        self.objects = {
            "referral": (issued().pk, issued(target=other_unit).pk),
            "webhook": (self._endpoint("unit"), self._endpoint("other_unit")),
            "eks": (self._card(unit), self._card(other_unit)),
        }

    def _card(self, unit):
        return started_card(unit, person_with_role(Role.APPLICANT)).pk

    def _endpoint(self, key):
        endpoint = WebhookEndpoint(client=self.clients[key][0], url="https://example.org/hook")
        create_endpoint(endpoint)
        return endpoint.pk

    def api(self, key, without=None):
        client, secret = self.clients[key]
        granted = [s for s in client.scopes if s != without]
        if not granted:
            return None
        return Api(token_for(client, secret, scope=" ".join(granted)))


@pytest.fixture
def world(unit, other_unit, mazowieckie, issued):
    return World(unit, other_unit, mazowieckie, issued)


def url_for(route, name, own: bool, world) -> str:
    path = "/" + route.replace("/^", "/").removesuffix("$")
    if "(?P<pk>" not in path:
        return path
    kind = next((k for prefix, k in OBJECT_KINDS.items() if name.startswith(prefix)), None)
    assert kind, f"{name}: say in OBJECT_KINDS which object its pk takes"
    pk = world.objects[kind][0 if own else 1]
    return path.replace("(?P<pk>[^/.]+)", str(pk))


def call(api, method, url):
    if api is None:
        from django.test import Client

        http = Client()
        return getattr(http, method.lower())(url, content_type="application/json")
    if method == "GET":
        return api.get(url)
    body = json.dumps({})
    handler = getattr(api.http, method.lower())
    return handler(url, body, content_type="application/json", **api._headers({}))


@pytest.mark.parametrize(
    ("name", "route", "view", "method", "action"),
    OPERATIONS,
    ids=[f"{name}-{method}" for name, _r, _v, method, _a in OPERATIONS],
)
def test_every_api_operation_refuses_what_it_must(world, name, route, view, method, action):
    if is_public(view):
        response = call(None, method, url_for(route, name, True, world))
        assert response.status_code < 500
        return
    institution = getattr(view, "institution", None)
    scope = scope_of(view, action)
    assert institution in ("unit", "office", "any"), f"{view.__name__}: declare institution"
    assert scope in scopes.SCOPES, f"{view.__name__}.{action}: declare its scope"
    own_url = url_for(route, name, True, world)
    caller = "office" if institution == "office" else "unit"

    assert call(None, method, own_url).status_code == 401

    if institution != "any":
        stranger = world.api("unit" if caller == "office" else "office")
        assert call(stranger, method, own_url).status_code == 403

    lacking = world.api(caller, without=scope)
    if lacking is not None:
        assert call(lacking, method, own_url).status_code == 403

    full = world.api(caller)
    if "(?P<pk>" in route:
        foreign = url_for(route, name, False, world)
        assert call(full, method, foreign).status_code == 404
    assert call(full, method, own_url).status_code not in (401, 403, 500)


def test_the_matrix_covers_every_operation_of_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator(urlconf="smk.urls").get_schema(request=None, public=True)
    in_schema = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    in_matrix = {
        ("/" + route.replace("/^", "/").removesuffix("$").replace("(?P<pk>[^/.]+)", "{id}"), method)
        for _name, route, _view, method, _action in OPERATIONS
    }
    assert in_schema, "the schema lists no operation"
    assert in_schema <= in_matrix, sorted(in_schema - in_matrix)
