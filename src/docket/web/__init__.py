"""The server-rendered web: sign-in, reviewer console, portal, public and admin pages."""
