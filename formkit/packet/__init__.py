"""One applicant's packet: page content and layout, cover, copies, checklist, payment page, codes, builder."""
