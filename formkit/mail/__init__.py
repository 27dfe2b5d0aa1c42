"""E-mails: compose, outbox, SMTP sending with a never-twice journal."""
