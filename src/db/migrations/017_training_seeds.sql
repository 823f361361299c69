-- Cổng 1022: the bot's training files reach databases seeded before them (issue 12).
-- Training phrases were copied from the bot's files into training_examples only while that table was
-- empty, so a running hotline never received the phrases a new release added (the fourteenth NLU
-- round added nlu-citizens.yml, 1,894 citizens' messages). training_seeds holds every file phrase
-- ever offered to this database: at each start the phrases of the files that are not in it are
-- added to both tables, and a phrase an admin deleted stays deleted (it is still in training_seeds).
CREATE TABLE training_seeds (
  intent text NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (intent, text)
);
-- What earlier starts offered: the seeded phrases still there, and those an admin has deleted.
INSERT INTO training_seeds (intent, text)
SELECT intent, text FROM training_examples WHERE source = 'seed'
UNION
SELECT data->>'intent', data->>'text' FROM events
WHERE type = 'training_phrase_deleted' AND data ? 'intent' AND data ? 'text'
ON CONFLICT DO NOTHING;
