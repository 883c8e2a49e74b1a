"""Authentication: passwords and their rules, login lockout, TOTP two-factor, password reset by
e-mail and the list of a user's sessions. What it guarantees is written in docs/security.md."""
