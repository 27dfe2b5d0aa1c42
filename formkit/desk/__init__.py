"""The officer's desk: who has handed in, whose bank receipt is missing, what goes on to Kamu SM.

A batch output folder is the unit: its manifest says what was made, the mail journal and outbox say what was
mailed, and a SQLite status store inside the folder (`desk.sqlite`) records every hand-in, receipt, reminder
and dispatch with who did it and when. Only cli.py imports this package.
"""
