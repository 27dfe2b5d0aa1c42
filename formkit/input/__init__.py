"""Where applicant data comes from: tables (CSV, spreadsheets, JSON), validation, the web form's store."""
