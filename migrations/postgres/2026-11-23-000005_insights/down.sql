DROP INDEX submissions_challenge_created_idx;
DROP TABLE challenge_opens;
DROP TABLE challenge_feedback;
DROP TABLE coach_notes;
