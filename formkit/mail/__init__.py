"""E-mails for a batch folder, one module per job.

compose (one message per packet), outbox (`formkit mail`: the .eml files), smtp (one connection: TLS, AUTH,
a transaction), send (`formkit send`: the loop, retries, the plan), journal (never twice).
"""

__all__ = ["compose", "journal", "outbox", "send", "smtp"]
