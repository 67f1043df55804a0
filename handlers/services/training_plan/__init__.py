"""The annual training plan for admins (Mục III.2.d, IV.2 of the plan): plan.py groups,
read.py reads and scopes, workbook.py writes the Excel file, export.py makes it in a job."""
