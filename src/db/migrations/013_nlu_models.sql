-- Trained intent models, so that one node's training serves every node and a restart: the node
-- that trains stores its model here and announces it; the others load it instead of training.
-- `fingerprint` is a hash of the training data the model was trained on, `format_version` names the
-- engine code and settings that can load it. Only the latest few are kept.
CREATE TABLE nlu_models (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint text NOT NULL,
  format_version text NOT NULL,
  bytes bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX nlu_models_lookup ON nlu_models (fingerprint, format_version, id DESC);

-- The bytes are compressed by the gateway already.
ALTER TABLE nlu_models ALTER COLUMN bytes SET STORAGE EXTERNAL;
