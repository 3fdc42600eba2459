ALTER TABLE challenges DROP COLUMN coach_guide;
DROP TABLE staff_openings;
