"""Reports: the PDFs and workbooks handed in, drawn from the dashboards' own numbers."""
