"""reportlab pages of a packet: the built-in application form (`form`), text fitting (`textfit`), ..."""
