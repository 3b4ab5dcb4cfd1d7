"""Import and export of the directory as an Excel workbook.

``workbook`` holds the format (sheets, columns, styles) that the template, the
exporter and the importer share; ``reader`` turns a file into rows; ``upserts``
turns a row into directory records through the directory services; ``importer``
runs a whole file all-or-nothing; ``jobs`` runs it for the upload page.
"""
