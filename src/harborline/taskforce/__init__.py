"""Task forces: members and categories, meetings, agreements (MOUs, data-sharing), the
mentor-advocate program, annual reports."""
