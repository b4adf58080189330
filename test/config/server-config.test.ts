import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, loadConfig } from '../../src/config.ts';

describe('the server settings', () => {
  it('refuses a LOG_LEVEL pino does not know, naming the levels it does', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
  });

  it('takes every pino level, and info by default (silent in tests)', () => {
    for (const level of LOG_LEVELS) {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
      expect(() => pino({ level })).not.toThrow();
    }
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  it('refuses a JSON_BODY_LIMIT that is not a size, or one express would misread', () => {
    for (const limit of ['lots', '100kib', '12abc', '0', '0kb', '-5kb', '1e3']) {
      expect(() => loadConfig({ JSON_BODY_LIMIT: limit }), limit).toThrow(
        `JSON_BODY_LIMIT must be a size of 1 byte or more, as a number of bytes or with a unit (b, kb, mb, gb, tb, pb) such as 100kb, got "${limit}"`,
      );
    }
  });

  it('takes the sizes express.json takes', () => {
    expect(loadConfig({}).http.jsonBodyLimit).toBe('100kb');
    for (const limit of ['100kb', '1MB', '1.5mb', '512000', '64 kb', '200b']) {
      expect(loadConfig({ JSON_BODY_LIMIT: limit }).http.jsonBodyLimit).toBe(limit);
      expect(() => express.json({ limit }), limit).not.toThrow();
    }
  });

  it('refuses a PORT over 65535 before anything is opened', () => {
    expect(() => loadConfig({ PORT: '99999' })).toThrow(
      'PORT must be a port number from 0 to 65535, got "99999"',
    );
    expect(() => loadConfig({ PORT: '-1' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT/);
  });

  it('takes any port from 0 (a free one) to 65535', () => {
    expect(loadConfig({}).port).toBe(8080);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('keeps serving 5 seconds after a shutdown signal in production, none elsewhere, unless SHUTDOWN_DRAIN_SECONDS says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' }).shutdownDrainSeconds).toBe(5);
    expect(loadConfig({}).shutdownDrainSeconds).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_SECONDS: '0' }).shutdownDrainSeconds).toBe(0);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_SECONDS: 'soon' })).toThrow(/SHUTDOWN_DRAIN_SECONDS/);
  });

  it('leaves the shipped model for an admin to activate in production, and activates it elsewhere, unless ACTIVATE_SHIPPED_MODEL says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' }).activateShippedModel).toBe(false);
    expect(loadConfig({}).activateShippedModel).toBe(true);
    expect(
      loadConfig({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true', ACTIVATE_SHIPPED_MODEL: 'true' })
        .activateShippedModel,
    ).toBe(true);
    expect(loadConfig({ ACTIVATE_SHIPPED_MODEL: 'false' }).activateShippedModel).toBe(false);
    expect(() => loadConfig({ ACTIVATE_SHIPPED_MODEL: 'maybe' })).toThrow(/ACTIVATE_SHIPPED_MODEL/);
  });

  it('names every spelling a yes-or-no setting takes when it refuses one', () => {
    for (const spelling of ['1', '0', 'yes', 'no', 'TRUE', 'false'])
      expect(() => loadConfig({ SEED_DEMO: spelling }), spelling).not.toThrow();
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).toThrow(
      'SEED_DEMO must be true or false (or 1 or 0, yes or no), got "maybe"',
    );
  });

  it('gives the PostgreSQL pool 10 connections unless DATABASE_POOL_MAX says otherwise, from 2 to 100', () => {
    expect(loadConfig({}).databasePoolMax).toBe(10);
    expect(loadConfig({ DATABASE_POOL_MAX: '2' }).databasePoolMax).toBe(2);
    expect(loadConfig({ DATABASE_POOL_MAX: ' 25 ' }).databasePoolMax).toBe(25);
    expect(loadConfig({ DATABASE_POOL_MAX: '100' }).databasePoolMax).toBe(100);
    expect(loadConfig({ DATABASE_POOL_MAX: '' }).databasePoolMax).toBe(10);
  });

  it('refuses a DATABASE_POOL_MAX that is not an integer from 2 to 100, one connection being too few to start on', () => {
    for (const value of ['0', '1', '101', '-3', '2.5', 'ten', '10 connections']) {
      expect(() => loadConfig({ DATABASE_POOL_MAX: value }), value).toThrow(
        `DATABASE_POOL_MAX must be an integer from 2 to 100 (a start holds one connection for its turn at the migrations while they run on another), got "${value}"`,
      );
    }
  });

  it('refuses a DATABASE_URL that is no PostgreSQL connection URL, naming the variable and not the value', () => {
    for (const value of [
      'sqlite:///srv/aiguillage/aiguillage.sqlite',
      './data/aiguillage.sqlite',
      'mysql://app:s3cret@db/aiguillage',
      'postgress://app:s3cret@db/aiguillage',
      'postgres://app:s3cret@db:99999/aiguillage',
      'host=db dbname=aiguillage',
    ]) {
      expect(() => loadConfig({ DATABASE_URL: value }), value).toThrow(
        /^DATABASE_URL must be a PostgreSQL connection URL \(postgres:\/\/user:password@host:5432\/database\); unset it for SQLite in DATA_DIR/,
      );
      expect(() => loadConfig({ DATABASE_URL: value }), value).not.toThrow(/s3cret/);
    }
  });

  it('refuses a DATABASE_URL whose password holds / or # as typed, saying to percent-encode them, without repeating it', () => {
    for (const value of [
      'postgres://app:p@ss/w:rd#1@db:5432/aiguillage',
      'postgres://app:pa/ss@db:5432/aiguillage',
      'postgres://app:s3cret#1@db:5432/aiguillage',
    ]) {
      expect(() => loadConfig({ DATABASE_URL: value }), value).toThrow(
        /^DATABASE_URL must be a PostgreSQL connection URL .* a user name or password holding @ \/ : # or \? as typed, which are written percent-encoded: %40 %2F %3A %23 %3F\)$/,
      );
      expect(() => loadConfig({ DATABASE_URL: value }), value).not.toThrow(/p@ss|s3cret/);
    }
    expect(
      loadConfig({ DATABASE_URL: 'postgres://app:p%40ss%2Fw%3Ard%231@db:5432/aiguillage' }).databaseUrl,
    ).toBe('postgres://app:p%40ss%2Fw%3Ard%231@db:5432/aiguillage');
  });

  it('takes a postgres:// or postgresql:// URL, or a socket: one, as DATABASE_URL', () => {
    for (const value of [
      'postgres://app:s3cret@db:5432/aiguillage',
      'postgresql://app@db/aiguillage?sslmode=require',
      'socket:/var/run/postgresql?db=aiguillage',
      // A socket with a user and password, no host: no WHATWG URL, but pg reads it.
      'postgres://app:s3cret@/aiguillage?host=/var/run/postgresql',
      // An @ within the password: the last @ ends it, for pg as for any URL reader.
      'postgres://app:p@ss@db:5432/aiguillage',
    ]) {
      expect(loadConfig({ DATABASE_URL: ` ${value} ` }).databaseUrl).toBe(value);
    }
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('takes 64 MB as the least free space of the data folder unless MIN_FREE_DISK_MB says otherwise, 0 for no check', () => {
    expect(loadConfig({}).minFreeDiskMb).toBe(64);
    expect(loadConfig({ MIN_FREE_DISK_MB: '0' }).minFreeDiskMb).toBe(0);
    expect(loadConfig({ MIN_FREE_DISK_MB: '2048' }).minFreeDiskMb).toBe(2048);
    for (const value of ['-1', '1.5', 'lots', '64mb']) {
      expect(() => loadConfig({ MIN_FREE_DISK_MB: value }), value).toThrow(
        `MIN_FREE_DISK_MB must be a non-negative integer, got "${value}"`,
      );
    }
  });

  it('refuses a PORT written otherwise than in decimal digits', () => {
    for (const port of ['0x1F90', '1e3', '80.0', '+80', '0b101']) {
      expect(() => loadConfig({ PORT: port }), port).toThrow(
        `PORT must be a port number from 0 to 65535, got "${port}"`,
      );
    }
  });

  it('refuses a SHUTDOWN_DRAIN_SECONDS over an hour, which the drain timer would not wait', () => {
    expect(loadConfig({ SHUTDOWN_DRAIN_SECONDS: '3600' }).shutdownDrainSeconds).toBe(3600);
    for (const value of ['3601', '9999999999', '1e3']) {
      expect(() => loadConfig({ SHUTDOWN_DRAIN_SECONDS: value }), value).toThrow(
        `SHUTDOWN_DRAIN_SECONDS must be an integer from 0 to 3600 (an hour), got "${value}"`,
      );
    }
  });

  it('refuses RATE_LIMIT_PER_MINUTE=0 and IMPORT_BODY_LIMIT_BYTES=0, which would refuse every request or import', () => {
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow(
      'RATE_LIMIT_PER_MINUTE must be 1 or more, got "0"',
    );
    expect(() => loadConfig({ IMPORT_BODY_LIMIT_BYTES: '0' })).toThrow(
      'IMPORT_BODY_LIMIT_BYTES must be 1 or more, got "0"',
    );
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '1' }).http.rateLimitPerMinute).toBe(1);
    expect(loadConfig({ IMPORT_BODY_LIMIT_BYTES: '1' }).http.importBodyLimitBytes).toBe(1);
  });
});

/**
 * `DATA_DIR=` in an env file, or a compose template whose variable is unset: every variable takes an
 * empty value as unset. Resolved as the working directory instead, the SQLite file and the decision
 * log's keys would be written next to the code, and the shipped model looked for in the checkout's root.
 */
describe('blank folder settings', () => {
  it('takes a blank DATA_DIR or MODELS_DIR as unset: ./data and ./models', () => {
    for (const blank of ['', '  ']) {
      const config = loadConfig({ DATA_DIR: blank, MODELS_DIR: blank });
      expect(config.dataDir, JSON.stringify(blank)).toBe(path.resolve('./data'));
      expect(config.modelsDir, JSON.stringify(blank)).toBe(path.resolve('./models'));
    }
    expect(loadConfig({ DATA_DIR: ' /srv/aiguillage ' }).dataDir).toBe('/srv/aiguillage');
  });
});

/**
 * A browser's Origin is scheme://host[:port], never with a path, a trailing slash or a wildcard: an
 * entry written otherwise matches no request, and the portal's calls fail in the browser while the
 * API logs nothing wrong.
 */
describe('CORS_ORIGINS', () => {
  it('refuses an entry that no Origin header can ever equal, naming it', () => {
    for (const entry of [
      'https://portal.example.fr/',
      '*',
      'portal.example.fr',
      'https://portal.example.fr/app',
      'https://Portal.example.fr',
      'https://portal.example.fr:443',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: `https://crm.example, ${entry}` }), entry).toThrow(
        `CORS_ORIGINS must list origins as a browser sends them (scheme://host[:port], lower case, with no path, ` +
          `trailing slash or wildcard), comma-separated; not "${entry}"`,
      );
    }
  });

  it('takes origins, comma-separated, and none by default', () => {
    expect(loadConfig({}).http.corsOrigins).toEqual([]);
    expect(
      loadConfig({ CORS_ORIGINS: 'https://portal.example.fr, http://localhost:5173,' }).http.corsOrigins,
    ).toEqual(['https://portal.example.fr', 'http://localhost:5173']);
  });
});

/**
 * Express's `trust proxy` decides which address the limits count a client by. Trusting every proxy
 * (`true`) would let any client name its own address in X-Forwarded-For and escape the limit on
 * failed authentications; a value express cannot read would fail only at the first request.
 */
describe('TRUST_PROXY', () => {
  it('trusts no proxy when unset', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: ' ' }).http.trustProxy).toBe(false);
  });

  it('takes a number of hops, or proxies as addresses, CIDR ranges and express’s range names', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.4, 2001:db8::/32, loopback' }).http.trustProxy,
    ).toEqual(['10.0.0.0/8', '192.168.1.4', '2001:db8::/32', 'loopback']);
    const app = express();
    expect(() =>
      app.set('trust proxy', loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).http.trustProxy),
    ).not.toThrow();
  });

  it('refuses anything else, naming the value, before anything is opened', () => {
    for (const value of [
      'true',
      '*',
      'yes',
      '0',
      '11',
      '1.5',
      '0.0.0.0/0',
      '::/0',
      '10.0.0.0/33',
      'proxy.example',
      '10.0.0.1/8/2',
      ',',
    ]) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(
        new RegExp(
          `^TRUST_PROXY must be unset \\(no proxy trusted\\), a number of proxy hops from 1 to 10, .*got "${value.replace(/[.*/]/g, '\\$&')}"$`,
        ),
      );
    }
  });
});

describe('AUTH_FAILURES_PER_MINUTE', () => {
  it('is 30 by default and refuses 0', () => {
    expect(loadConfig({}).http.authFailuresPerMinute).toBe(30);
    expect(loadConfig({ AUTH_FAILURES_PER_MINUTE: '5' }).http.authFailuresPerMinute).toBe(5);
    expect(() => loadConfig({ AUTH_FAILURES_PER_MINUTE: '0' })).toThrow(
      'AUTH_FAILURES_PER_MINUTE must be 1 or more, got "0"',
    );
  });
});
