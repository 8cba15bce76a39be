"""The mentor-advocate program: roster, qualifications, caseload, supervision, on-call."""
