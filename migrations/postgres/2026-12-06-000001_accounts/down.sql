DROP TABLE organization_domains;
DROP TABLE personal_tokens;
DROP TABLE password_resets;
