"""formkit: print-ready NES (e-imza) application packets and e-mails for Turkish health-ministry staff."""

__version__ = "0.1.0"
