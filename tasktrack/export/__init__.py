"""Tasks out of tasktrack, for other programs: a calendar of to-dos (``ics``) and a spreadsheet table (``table``)."""
