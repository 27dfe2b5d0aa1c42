"""The form engine: read AcroForm templates, fill values, flattened and editable output."""
