DROP TABLE live_instances;
DROP TABLE live_presence;
DROP TABLE live_activity;
DROP TABLE announcements;
DROP TABLE help_calls;
DROP TABLE document_updates;
DROP TABLE documents;
DROP TABLE chat_messages;
