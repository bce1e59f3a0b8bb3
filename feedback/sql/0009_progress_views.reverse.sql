DROP VIEW IF EXISTS v_training_data_quality;
DROP VIEW IF EXISTS v_annotation_progress;
