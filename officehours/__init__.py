"""Weekly open office hours: series, occurrences, bookings, waitlists, attendance."""
