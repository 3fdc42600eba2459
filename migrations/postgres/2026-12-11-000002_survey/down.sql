DROP TABLE survey_participants;
DROP TABLE survey_responses;
DROP TABLE event_surveys;
