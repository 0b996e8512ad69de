-- One of each kind of object an application schema can hold, with a few rows of awkward data.
-- Roles are cluster-wide: created only when missing, so that every test database can use them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kinds_owner') THEN CREATE ROLE kinds_owner; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kinds_reader') THEN CREATE ROLE kinds_reader; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kinds_writer') THEN CREATE ROLE kinds_writer; END IF;
END $$;

CREATE SCHEMA shop AUTHORIZATION kinds_owner;
CREATE SCHEMA "Odd Schema";
COMMENT ON SCHEMA shop IS 'the shop''s objects';
GRANT USAGE ON SCHEMA shop TO kinds_reader, kinds_writer;

-- Types
CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy', 'it''s "complicated"');
CREATE TYPE shop.address AS (street text, city text COLLATE "C", zip varchar(10));
COMMENT ON COLUMN shop.address.zip IS 'postal code';
CREATE TYPE shop.float_range AS RANGE (subtype = float8, subtype_diff = float8mi, multirange_type_name = shop.float_multirange);
CREATE DOMAIN shop.positive_money AS numeric(12, 2) DEFAULT 0 NOT NULL CONSTRAINT positive CHECK (VALUE >= 0);
CREATE DOMAIN shop.email AS text COLLATE "C" CHECK (VALUE ~ '@');
ALTER DOMAIN shop.email ADD CONSTRAINT not_too_long CHECK (length(VALUE) < 200) NOT VALID;
CREATE COLLATION shop.case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION shop.c_copy (lc_collate = 'C', lc_ctype = 'C');
COMMENT ON TYPE shop.mood IS 'how a customer feels';
COMMENT ON DOMAIN shop.email IS 'an address';

-- Functions, procedures, aggregates, operators, casts
CREATE FUNCTION shop.slug(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(regexp_replace(t COLLATE "C", '[^a-zA-Z0-9]+', '-', 'g')) $$;
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE FUNCTION shop.secret_total() RETURNS numeric LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ SELECT 42::numeric $$;
REVOKE EXECUTE ON FUNCTION shop.secret_total() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shop.secret_total() TO kinds_reader;
CREATE PROCEDURE shop.bump(IN amount integer DEFAULT 1) LANGUAGE plpgsql AS $$ BEGIN PERFORM amount; END $$;
CREATE FUNCTION shop.add_mood(state shop.mood, next shop.mood) RETURNS shop.mood LANGUAGE sql IMMUTABLE
  AS $$ SELECT greatest(state, next) $$;
CREATE AGGREGATE shop.best_mood(shop.mood) (SFUNC = shop.add_mood, STYPE = shop.mood, INITCOND = 'sad');
-- A moving-aggregate mode with final functions in both modes, as window frames use.
CREATE FUNCTION shop.sum_add(state numeric[], x numeric) RETURNS numeric[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT ARRAY[state[1] + x, state[2] + 1] $$;
CREATE FUNCTION shop.sum_remove(state numeric[], x numeric) RETURNS numeric[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT ARRAY[state[1] - x, state[2] - 1] $$;
CREATE FUNCTION shop.sum_mean(state numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN state[2] = 0 THEN NULL ELSE state[1] / state[2] END $$;
CREATE AGGREGATE shop.running_mean(numeric) (SFUNC = shop.sum_add, STYPE = numeric[], FINALFUNC = shop.sum_mean,
  INITCOND = '{0,0}', MSFUNC = shop.sum_add, MINVFUNC = shop.sum_remove, MSTYPE = numeric[],
  MFINALFUNC = shop.sum_mean, MINITCOND = '{0,0}', PARALLEL = SAFE);
CREATE FUNCTION shop.approx_eq(a numeric, b numeric) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT abs(a - b) < 0.01 $$;
CREATE OPERATOR shop.~= (FUNCTION = shop.approx_eq, LEFTARG = numeric, RIGHTARG = numeric, COMMUTATOR = OPERATOR(shop.~=));
CREATE FUNCTION shop.mood_text(shop.mood) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'mood:' || $1::text $$;
CREATE CAST (shop.mood AS text) WITH FUNCTION shop.mood_text(shop.mood) AS ASSIGNMENT;
CREATE FUNCTION shop.price_with_tax(price numeric) RETURNS numeric LANGUAGE sql IMMUTABLE
  BEGIN ATOMIC SELECT round(price * 1.2, 2); END;

-- Sequences and tables
CREATE SEQUENCE shop.invoice_no AS integer INCREMENT BY 7 MINVALUE 100 MAXVALUE 100000 START WITH 107 CACHE 3 CYCLE;
CREATE TABLE shop.customers (
  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 5),
  name text NOT NULL COLLATE shop.case_insensitive,
  email shop.email,
  home shop.address,
  mood shop.mood DEFAULT 'ok',
  credit shop.positive_money,
  tags text[] DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz,
  name_slug text GENERATED ALWAYS AS (shop.slug(name)) STORED,
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(name, ''))) STORED,
  CONSTRAINT customers_pkey PRIMARY KEY (id),
  CONSTRAINT customers_email_key UNIQUE (email)
) WITH (fillfactor = 90, autovacuum_enabled = false);
ALTER TABLE shop.customers OWNER TO kinds_owner;
ALTER TABLE shop.customers ALTER COLUMN name SET STATISTICS 500;
ALTER TABLE shop.customers ALTER COLUMN tags SET STORAGE EXTERNAL;
ALTER TABLE shop.customers ALTER COLUMN name SET (n_distinct = -0.5);
CREATE INDEX customers_search ON shop.customers USING gin (search);
CREATE INDEX customers_lower_name ON shop.customers (lower(name::text) COLLATE "C") WHERE mood <> 'sad';
ALTER INDEX shop.customers_lower_name ALTER COLUMN 1 SET STATISTICS 300;
ALTER TABLE shop.customers CLUSTER ON customers_email_key;
ALTER TABLE shop.customers REPLICA IDENTITY USING INDEX customers_pkey;
CREATE TRIGGER customers_touch BEFORE UPDATE ON shop.customers FOR EACH ROW EXECUTE FUNCTION shop.touch();
CREATE TRIGGER customers_off AFTER INSERT ON shop.customers FOR EACH ROW EXECUTE FUNCTION shop.touch();
ALTER TABLE shop.customers DISABLE TRIGGER customers_off;
COMMENT ON TABLE shop.customers IS 'people who buy';
COMMENT ON COLUMN shop.customers.mood IS 'last seen mood';
COMMENT ON INDEX shop.customers_search IS 'full text';
COMMENT ON TRIGGER customers_touch ON shop.customers IS 'keeps updated_at';
COMMENT ON CONSTRAINT customers_email_key ON shop.customers IS 'one account per address';
GRANT SELECT ON shop.customers TO kinds_reader;
GRANT SELECT (id, name), UPDATE (mood) ON shop.customers TO kinds_writer;
GRANT INSERT ON shop.customers TO kinds_writer WITH GRANT OPTION;

CREATE TABLE shop.orders (
  id serial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES shop.customers ON DELETE CASCADE,
  invoice integer DEFAULT nextval('shop.invoice_no'),
  amount numeric(12, 2) NOT NULL CHECK (amount > 0),
  placed_on date NOT NULL DEFAULT current_date,
  note text,
  during tstzrange,
  shipping shop.address,
  EXCLUDE USING gist (during WITH &&) DEFERRABLE INITIALLY DEFERRED
) ;
ALTER TABLE shop.orders ADD CONSTRAINT orders_note_short CHECK (length(note) < 1000) NOT VALID;
ALTER TABLE shop.orders REPLICA IDENTITY FULL;
ALTER SEQUENCE shop.invoice_no OWNED BY shop.orders.invoice;
ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE shop.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY own_orders ON shop.orders AS PERMISSIVE FOR SELECT TO kinds_reader USING (customer_id > 0);
CREATE POLICY no_big ON shop.orders AS RESTRICTIVE FOR INSERT TO kinds_writer, kinds_reader WITH CHECK (amount < 10000);
COMMENT ON POLICY own_orders ON shop.orders IS 'readers see their own';

CREATE UNLOGGED TABLE shop.sessions (token uuid PRIMARY KEY, data jsonb, expires timestamp);
CREATE TABLE "Odd Schema"."Mixed Case ""Table""" ("Weird Column" text, "select" int, id int GENERATED BY DEFAULT AS IDENTITY);

-- Inheritance
CREATE TABLE shop.events (id bigint NOT NULL, at timestamptz NOT NULL DEFAULT now(), payload jsonb,
  CONSTRAINT events_at_check CHECK (at > '2000-01-01'));
CREATE TABLE shop.click_events (target text NOT NULL) INHERITS (shop.events);
CREATE TABLE shop.view_events (seconds int CHECK (seconds >= 0)) INHERITS (shop.events);

-- Partitions at two levels, with a default partition
CREATE TABLE shop.payments (
  id bigint NOT NULL,
  customer_id bigint NOT NULL,
  paid_at date NOT NULL,
  amount numeric(10, 2) NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (id, paid_at, customer_id)
) PARTITION BY RANGE (paid_at);
CREATE TABLE shop.payments_2024 PARTITION OF shop.payments FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
  PARTITION BY LIST (customer_id);
CREATE TABLE shop.payments_2024_small PARTITION OF shop.payments_2024 FOR VALUES IN (1000, 1005);
CREATE TABLE shop.payments_2024_rest PARTITION OF shop.payments_2024 DEFAULT;
CREATE TABLE shop.payments_2025 (LIKE shop.payments INCLUDING CONSTRAINTS);
ALTER TABLE shop.payments ATTACH PARTITION shop.payments_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE shop.payments_other PARTITION OF shop.payments DEFAULT;
CREATE INDEX payments_customer ON shop.payments (customer_id);
ALTER TABLE shop.payments ADD CONSTRAINT payments_customer_fk FOREIGN KEY (customer_id) REFERENCES shop.customers;
CREATE FUNCTION shop.no_negative() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER payments_check BEFORE INSERT ON shop.payments FOR EACH ROW EXECUTE FUNCTION shop.no_negative();

-- Views: one that groups by a primary key, a view of a view, a view with column defaults and options
CREATE VIEW shop.customer_totals AS
  SELECT c.id, c.name, c.mood, count(o.id) AS orders, sum(o.amount) AS total
  FROM shop.customers c LEFT JOIN shop.orders o ON o.customer_id = c.id
  GROUP BY c.id;
CREATE VIEW shop.happy_customers WITH (security_barrier = true) AS
  SELECT id, name FROM shop.customer_totals WHERE mood = 'happy' WITH LOCAL CHECK OPTION;
CREATE VIEW shop.recent_orders AS SELECT id, customer_id, amount, placed_on FROM shop.orders WHERE placed_on > '2020-01-01';
ALTER VIEW shop.recent_orders ALTER COLUMN placed_on SET DEFAULT current_date;
COMMENT ON VIEW shop.customer_totals IS 'per customer';
GRANT SELECT ON shop.customer_totals TO kinds_reader;

-- Materialized views, one populated and one not, one on the other
CREATE MATERIALIZED VIEW shop.mood_counts AS SELECT mood, count(*) AS n FROM shop.customers GROUP BY mood;
CREATE UNIQUE INDEX mood_counts_mood ON shop.mood_counts (mood);
CREATE MATERIALIZED VIEW shop.happy_count AS SELECT n FROM shop.mood_counts WHERE mood = 'happy';
CREATE MATERIALIZED VIEW shop.never_filled AS SELECT id FROM shop.orders WITH NO DATA;

-- A rule, a column of another table's row type and of a view's row type, a regclass column
CREATE TABLE shop.audit_log (id bigserial PRIMARY KEY, what text, customer shop.customers, total shop.customer_totals,
  about regclass);
CREATE RULE orders_delete_log AS ON DELETE TO shop.orders DO ALSO
  INSERT INTO shop.audit_log (what) VALUES ('order ' || OLD.id || ' deleted');
CREATE STATISTICS shop.orders_stats (dependencies) ON customer_id, placed_on FROM shop.orders;

-- Default privileges
ALTER DEFAULT PRIVILEGES FOR ROLE kinds_owner IN SCHEMA shop GRANT SELECT ON TABLES TO kinds_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE kinds_owner IN SCHEMA shop GRANT EXECUTE ON FUNCTIONS TO kinds_writer;

-- Rows
INSERT INTO shop.customers (name, email, home, mood, credit, tags) VALUES
  ('Zoë O''Brien', 'zoe@example.com', ROW('1 "Main" St', 'Köln', '50667'), 'happy', 12.5, '{a,"b c",NULL}'),
  (E'Tab\there\nnewline \\ backslash', 'tab@example.com', NULL, 'it''s "complicated"', 0, '{}'),
  ('日本語 名前', NULL, ROW(NULL, NULL, NULL), 'sad', 99999.99, NULL);
INSERT INTO shop.orders (customer_id, amount, placed_on, note, during, shipping)
  SELECT c.id, 10.5 * n, date '2024-02-29' + n, repeat('x', n * 100), tstzrange(timestamptz '2024-01-01' + (c.id * 10 + n) * interval '1 day', timestamptz '2024-01-01' + (c.id * 10 + n) * interval '1 day' + interval '1 hour'), c.home
  FROM shop.customers c, generate_series(1, 3) n;
INSERT INTO shop.sessions VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2, {"b": null}]}', 'infinity');
INSERT INTO "Odd Schema"."Mixed Case ""Table""" ("Weird Column", "select") VALUES ('x', 1), (NULL, NULL);
INSERT INTO shop.events (id, payload) VALUES (1, '{}');
INSERT INTO shop.click_events (id, target) VALUES (2, 'button');
INSERT INTO shop.view_events (id, seconds) VALUES (3, 12);
INSERT INTO shop.payments VALUES (1, 1000, '2024-03-01', 10), (2, 1010, '2024-05-01', 20), (3, 1005, '2025-02-01', 30),
  (4, 1000, '2019-01-01', 40);
INSERT INTO shop.audit_log (what, customer, total, about)
  SELECT 'snapshot', c, t, 'shop.customers'::regclass FROM shop.customers c JOIN shop.customer_totals t USING (id);
DELETE FROM shop.orders WHERE amount > 30;
REFRESH MATERIALIZED VIEW shop.mood_counts;
REFRESH MATERIALIZED VIEW shop.happy_count;
SELECT setval('shop.invoice_no', 170, false);
