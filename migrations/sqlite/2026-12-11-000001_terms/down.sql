DROP TABLE report_names;
DROP TABLE terms_acceptances;
DROP TABLE event_terms;
