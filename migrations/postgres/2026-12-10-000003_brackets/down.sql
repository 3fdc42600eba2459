DROP TABLE team_brackets;
DROP TABLE event_brackets;
