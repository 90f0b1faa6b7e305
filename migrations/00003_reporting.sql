-- +goose Up
-- Reporting: one-stop desk dossier statistics, and legal documents keyed by
-- issuer as well as number (local documents of different units share
-- numbers such as 01/2020/QĐ-UBND).

ALTER TABLE legal_documents DROP CONSTRAINT legal_documents_number_key;
ALTER TABLE legal_documents ADD CONSTRAINT legal_documents_number_issuer_key UNIQUE (number, issuer);
CREATE INDEX legal_documents_reviewed_by_idx ON legal_documents (reviewed_by_unit_id);

-- Dossier statistics of a one-stop desk (bộ phận một cửa): per unit,
-- procedure and month, as the desks report them.
CREATE TABLE dossier_stats (
    unit_id          bigint NOT NULL REFERENCES administrative_units (id),
    procedure_id     bigint NOT NULL REFERENCES procedures (id),
    period           date   NOT NULL CHECK (period = date_trunc('month', period)::date),
    received         int    NOT NULL CHECK (received >= 0),
    received_online  int    NOT NULL CHECK (received_online BETWEEN 0 AND received),
    resolved_on_time int    NOT NULL CHECK (resolved_on_time >= 0),
    resolved_late    int    NOT NULL CHECK (resolved_late >= 0),
    pending          int    NOT NULL CHECK (pending >= 0),
    PRIMARY KEY (unit_id, procedure_id, period)
);
CREATE INDEX dossier_stats_procedure_idx ON dossier_stats (procedure_id, period);
CREATE INDEX dossier_stats_period_idx ON dossier_stats (period, unit_id);
