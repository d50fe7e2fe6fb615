from django import template

from pz import saml

register = template.Library()


@register.simple_tag
def profil_zaufany_enabled() -> bool:
    """Whether the login page offers "Profil Zaufany" (off while PZ_SP_ENTITY_ID is unset)."""
    return saml.enabled()
