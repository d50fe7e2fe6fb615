"""drf-spectacular: the API's authentication in the schema (OAuth 2.0 client credentials)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.scopes import SCOPES


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ClientAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token/",
                    "scopes": {name: str(text) for name, text in SCOPES.items()},
                }
            },
        }

    def get_security_requirement(self, auto_schema):
        from api.permissions import required_scope

        view = auto_schema.view
        scope = required_scope(view) if hasattr(view, "request") else None
        return {self.name: [scope] if scope else []}
