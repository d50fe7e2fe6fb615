"""Views of accounts: the person's own ("Moje konto", role requests) and the administrator's."""
