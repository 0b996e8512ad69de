-- A realistic application schema in the style of the DVD-rental sample every PostgreSQL tutorial
-- uses, in the public schema: payments partitioned by month, materialized views, domains, a rule,
-- a custom aggregate, views that group by a primary key, full-text search columns with GIN
-- indexes, triggers that keep last_update, SECURITY DEFINER functions with EXECUTE revoked.
-- About 4 MB at scale 1; `psql -v scale=N` makes it N times larger (the benchmark uses it).
\if :{?scale}
\else
  \set scale 1
\endif

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rental_app') THEN CREATE ROLE rental_app; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rental_readonly') THEN CREATE ROLE rental_readonly; END IF;
END $$;

CREATE TYPE public.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
CREATE DOMAIN public.year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);

CREATE FUNCTION public.last_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.last_update = CURRENT_TIMESTAMP; RETURN NEW; END $$;
CREATE FUNCTION public._group_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END $$;
CREATE AGGREGATE public.group_concat(text) (SFUNC = public._group_concat, STYPE = text);

CREATE TABLE public.language (language_id serial PRIMARY KEY, name character(20) NOT NULL,
  last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE TABLE public.actor (actor_id serial PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL,
  last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE INDEX idx_actor_last_name ON public.actor (last_name);
CREATE TABLE public.category (category_id serial PRIMARY KEY, name text NOT NULL,
  last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE TABLE public.film (
  film_id serial PRIMARY KEY, title text NOT NULL, description text, release_year public.year,
  language_id integer NOT NULL REFERENCES public.language ON UPDATE CASCADE ON DELETE RESTRICT,
  rental_duration smallint DEFAULT 3 NOT NULL, rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,
  length smallint, replacement_cost numeric(5,2) DEFAULT 19.99 NOT NULL,
  rating public.mpaa_rating DEFAULT 'G', last_update timestamp without time zone DEFAULT now() NOT NULL,
  special_features text[],
  fulltext tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || coalesce(description, ''))) STORED);
CREATE INDEX film_fulltext_idx ON public.film USING gist (fulltext);
CREATE INDEX idx_title ON public.film (title);
CREATE INDEX idx_fk_language_id ON public.film (language_id);
CREATE TABLE public.film_actor (actor_id integer NOT NULL REFERENCES public.actor ON UPDATE CASCADE ON DELETE RESTRICT,
  film_id integer NOT NULL REFERENCES public.film ON UPDATE CASCADE ON DELETE RESTRICT,
  last_update timestamp without time zone DEFAULT now() NOT NULL, PRIMARY KEY (actor_id, film_id));
CREATE TABLE public.film_category (film_id integer NOT NULL REFERENCES public.film ON UPDATE CASCADE ON DELETE RESTRICT,
  category_id integer NOT NULL REFERENCES public.category ON UPDATE CASCADE ON DELETE RESTRICT,
  last_update timestamp without time zone DEFAULT now() NOT NULL, PRIMARY KEY (film_id, category_id));
CREATE TABLE public.country (country_id serial PRIMARY KEY, country text NOT NULL,
  last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE TABLE public.city (city_id serial PRIMARY KEY, city text NOT NULL,
  country_id integer NOT NULL REFERENCES public.country, last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE TABLE public.address (address_id serial PRIMARY KEY, address text NOT NULL, address2 text, district text NOT NULL,
  city_id integer NOT NULL REFERENCES public.city, postal_code text, phone text NOT NULL,
  last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE TABLE public.store (store_id serial PRIMARY KEY, manager_staff_id integer NOT NULL,
  address_id integer NOT NULL REFERENCES public.address, last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE TABLE public.staff (staff_id serial PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL,
  address_id integer NOT NULL REFERENCES public.address, email text, store_id integer NOT NULL REFERENCES public.store,
  active boolean DEFAULT true NOT NULL, username text NOT NULL, password text,
  last_update timestamp without time zone DEFAULT now() NOT NULL, picture bytea);
CREATE TABLE public.customer (customer_id serial PRIMARY KEY, store_id integer NOT NULL REFERENCES public.store,
  first_name text NOT NULL, last_name text NOT NULL, email text, address_id integer NOT NULL REFERENCES public.address,
  activebool boolean DEFAULT true NOT NULL, create_date date DEFAULT CURRENT_DATE NOT NULL,
  last_update timestamp without time zone DEFAULT now(), active integer);
CREATE INDEX idx_last_name ON public.customer (last_name);
CREATE TABLE public.inventory (inventory_id serial PRIMARY KEY, film_id integer NOT NULL REFERENCES public.film,
  store_id integer NOT NULL REFERENCES public.store, last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE INDEX idx_store_id_film_id ON public.inventory (store_id, film_id);
CREATE TABLE public.rental (rental_id serial PRIMARY KEY, rental_date timestamp without time zone NOT NULL,
  inventory_id integer NOT NULL REFERENCES public.inventory, customer_id integer NOT NULL REFERENCES public.customer,
  return_date timestamp without time zone, staff_id integer NOT NULL REFERENCES public.staff,
  last_update timestamp without time zone DEFAULT now() NOT NULL);
CREATE UNIQUE INDEX idx_unq_rental_rental_date_inventory_id_customer_id ON public.rental (rental_date, inventory_id, customer_id);
CREATE TABLE public.payment (payment_id serial, customer_id integer NOT NULL REFERENCES public.customer,
  staff_id integer NOT NULL REFERENCES public.staff, rental_id integer NOT NULL REFERENCES public.rental,
  amount numeric(5,2) NOT NULL CHECK (amount >= 0), payment_date timestamp without time zone NOT NULL,
  PRIMARY KEY (payment_date, payment_id)) PARTITION BY RANGE (payment_date);
CREATE TABLE public.payment_p2022_01 PARTITION OF public.payment FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
CREATE TABLE public.payment_p2022_02 PARTITION OF public.payment FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
CREATE TABLE public.payment_p2022_03 PARTITION OF public.payment FOR VALUES FROM ('2022-03-01') TO ('2022-04-01');
CREATE TABLE public.payment_p2022_04 PARTITION OF public.payment FOR VALUES FROM ('2022-04-01') TO ('2022-05-01');
CREATE TABLE public.payment_later PARTITION OF public.payment DEFAULT;
CREATE INDEX idx_fk_payment_customer_id ON public.payment (customer_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['language', 'actor', 'category', 'film', 'film_actor', 'film_category', 'country', 'city',
      'address', 'store', 'staff', 'customer', 'inventory', 'rental'] LOOP
    EXECUTE format('CREATE TRIGGER last_updated BEFORE UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.last_updated()', t);
  END LOOP;
END $$;

CREATE FUNCTION public.film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)
  RETURNS SETOF integer LANGUAGE sql
  AS $$ SELECT inventory_id FROM public.inventory WHERE film_id = $1 AND store_id = $2 $$;
CREATE FUNCTION public.rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric)
  RETURNS SETOF public.customer LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  RETURN QUERY SELECT c.* FROM public.customer c WHERE c.customer_id IN (
    SELECT p.customer_id FROM public.payment p GROUP BY p.customer_id
    HAVING sum(p.amount) > min_dollar_amount_purchased AND count(*) > min_monthly_purchases);
END $$;
REVOKE EXECUTE ON FUNCTION public.rewards_report(integer, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.rewards_report(integer, numeric) TO rental_app;

CREATE VIEW public.customer_list AS
  SELECT cu.customer_id AS id, cu.first_name || ' ' || cu.last_name AS name, a.address, a.postal_code AS "zip code",
    a.phone, city.city, country.country, CASE WHEN cu.activebool THEN 'active' ELSE '' END AS notes, cu.store_id AS sid
  FROM public.customer cu JOIN public.address a ON cu.address_id = a.address_id
    JOIN public.city ON a.city_id = city.city_id JOIN public.country ON city.country_id = country.country_id;
CREATE VIEW public.film_list AS
  SELECT film.film_id AS fid, film.title, film.description, category.name AS category, film.rental_rate AS price,
    film.length, film.rating, public.group_concat(actor.first_name || ' ' || actor.last_name) AS actors
  FROM public.category LEFT JOIN public.film_category ON category.category_id = film_category.category_id
    LEFT JOIN public.film ON film_category.film_id = film.film_id
    JOIN public.film_actor ON film.film_id = film_actor.film_id JOIN public.actor ON film_actor.actor_id = actor.actor_id
  GROUP BY film.film_id, category.name;
CREATE VIEW public.sales_by_store AS
  SELECT c.city || ',' || cy.country AS store, m.first_name || ' ' || m.last_name AS manager, sum(p.amount) AS total_sales
  FROM public.payment p JOIN public.rental r ON p.rental_id = r.rental_id
    JOIN public.inventory i ON r.inventory_id = i.inventory_id JOIN public.store s ON i.store_id = s.store_id
    JOIN public.address a ON s.address_id = a.address_id JOIN public.city c ON a.city_id = c.city_id
    JOIN public.country cy ON c.country_id = cy.country_id JOIN public.staff m ON s.manager_staff_id = m.staff_id
  GROUP BY cy.country, c.city, s.store_id, m.first_name, m.last_name;
CREATE MATERIALIZED VIEW public.rental_by_category AS
  SELECT c.name AS category, sum(p.amount) AS total_sales
  FROM public.payment p JOIN public.rental r ON p.rental_id = r.rental_id
    JOIN public.inventory i ON r.inventory_id = i.inventory_id JOIN public.film f ON i.film_id = f.film_id
    JOIN public.film_category fc ON f.film_id = fc.film_id JOIN public.category c ON fc.category_id = c.category_id
  GROUP BY c.name ORDER BY sum(p.amount) DESC WITH NO DATA;
CREATE UNIQUE INDEX rental_category ON public.rental_by_category (category);
CREATE TABLE public.deleted_rentals (rental_id integer, deleted_at timestamp without time zone DEFAULT now());
CREATE RULE rental_delete_log AS ON DELETE TO public.rental DO ALSO
  INSERT INTO public.deleted_rentals (rental_id) VALUES (OLD.rental_id);

GRANT SELECT ON ALL TABLES IN SCHEMA public TO rental_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.rental, public.payment, public.customer TO rental_app;
GRANT USAGE ON SEQUENCE public.rental_rental_id_seq TO rental_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO rental_readonly;
COMMENT ON TABLE public.film IS 'films in the catalogue';
COMMENT ON MATERIALIZED VIEW public.rental_by_category IS 'refreshed nightly';

-- Data
INSERT INTO public.language (name) VALUES ('English'), ('Italian'), ('Japanese'), ('Mandarin'), ('French'), ('German');
INSERT INTO public.country (country) SELECT 'Country ' || n FROM generate_series(1, 100) n;
INSERT INTO public.city (city, country_id) SELECT 'City ' || n, 1 + n % 100 FROM generate_series(1, 600) n;
INSERT INTO public.address (address, district, city_id, postal_code, phone)
  SELECT n || ' Main Street', 'District ' || n % 50, 1 + n % 600, lpad((n * 7)::text, 5, '0'), '555-' || n
  FROM generate_series(1, 603) n;
INSERT INTO public.store (manager_staff_id, address_id) VALUES (1, 1), (2, 2);
INSERT INTO public.staff (first_name, last_name, address_id, email, store_id, username, password, picture) VALUES
  ('Mike', 'Hillyer', 3, 'mike@example.com', 1, 'Mike', '8cb2237d0679ca88db6464eac60da96345513964', '\x89504e47'),
  ('Jon', 'Stephens', 4, 'jon@example.com', 2, 'Jon', NULL, NULL);
INSERT INTO public.actor (first_name, last_name) SELECT 'First' || n, 'Last' || (n % 120) FROM generate_series(1, 200) n;
INSERT INTO public.category (name) SELECT unnest(ARRAY['Action', 'Animation', 'Children', 'Classics', 'Comedy',
  'Documentary', 'Drama', 'Family', 'Foreign', 'Games', 'Horror', 'Music', 'New', 'Sci-Fi', 'Sports', 'Travel']);
INSERT INTO public.film (title, description, release_year, language_id, length, rating, special_features)
  SELECT 'Film ' || n, 'A ' || (ARRAY['Epic', 'Touching', 'Boring', 'Thoughtful'])[1 + n % 4] || ' story of a dentist and a '
      || (ARRAY['robot', 'moose', 'crocodile'])[1 + n % 3] || ' who must find love in ' || (ARRAY['a shark tank', 'Nigeria'])[1 + n % 2],
    2006, 1 + n % 6, 46 + n % 140, (ARRAY['G', 'PG', 'PG-13', 'R', 'NC-17'])[1 + n % 5]::public.mpaa_rating,
    CASE WHEN n % 3 = 0 THEN ARRAY['Trailers', 'Deleted Scenes'] END
  FROM generate_series(1, 1000 * :scale) n;
INSERT INTO public.film_actor (actor_id, film_id) SELECT DISTINCT 1 + (f * 7 + k) % 200, f
  FROM generate_series(1, 1000 * :scale) f, generate_series(1, 5) k;
INSERT INTO public.film_category (film_id, category_id) SELECT f, 1 + f % 16 FROM generate_series(1, 1000 * :scale) f;
INSERT INTO public.customer (store_id, first_name, last_name, email, address_id, active)
  SELECT 1 + n % 2, 'Customer' || n, 'Family' || (n % 300), 'customer' || n || '@example.com', 4 + n % 599, 1
  FROM generate_series(1, 600 * :scale) n;
INSERT INTO public.inventory (film_id, store_id) SELECT 1 + n % (1000 * :scale), 1 + n % 2 FROM generate_series(1, 4500 * :scale) n;
INSERT INTO public.rental (rental_date, inventory_id, customer_id, return_date, staff_id)
  SELECT timestamp '2022-01-01' + n * interval '7 minutes', 1 + n % (4500 * :scale), 1 + n % (600 * :scale),
    timestamp '2022-01-01' + n * interval '7 minutes' + interval '3 days', 1 + n % 2
  FROM generate_series(1, 16000 * :scale) n;
INSERT INTO public.payment (customer_id, staff_id, rental_id, amount, payment_date)
  SELECT r.customer_id, r.staff_id, r.rental_id, (0.99 + (r.rental_id % 10))::numeric(5,2), r.rental_date + interval '1 hour'
  FROM public.rental r;
DELETE FROM public.rental WHERE rental_id = -1;
REFRESH MATERIALIZED VIEW public.rental_by_category;
ANALYZE;
