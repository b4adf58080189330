import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('the model load retry interval (MODEL_LOAD_RETRY_SECONDS)', () => {
  it('tries a model that could not be loaded or registered again after 30 seconds by default', () => {
    expect(loadConfig({}).modelLoadRetrySeconds).toBe(30);
    expect(loadConfig({ MODEL_LOAD_RETRY_SECONDS: ' ' }).modelLoadRetrySeconds).toBe(30);
  });

  it('takes a whole number of seconds', () => {
    expect(loadConfig({ MODEL_LOAD_RETRY_SECONDS: '5' }).modelLoadRetrySeconds).toBe(5);
    expect(loadConfig({ MODEL_LOAD_RETRY_SECONDS: '600' }).modelLoadRetrySeconds).toBe(600);
  });

  it('refuses to start with zero, a negative, a fraction or a word, naming the variable and the value', () => {
    expect(() => loadConfig({ MODEL_LOAD_RETRY_SECONDS: '0' })).toThrow(
      /MODEL_LOAD_RETRY_SECONDS must be 1 or more, got "0"/,
    );
    for (const value of ['-5', '2.5', 'thirty', '30s']) {
      expect(() => loadConfig({ MODEL_LOAD_RETRY_SECONDS: value }), value).toThrow(
        new RegExp(`MODEL_LOAD_RETRY_SECONDS must be a non-negative integer, got "${value}"`),
      );
    }
  });
});

describe('the shipped model (SHIPPED_MODEL)', () => {
  it('is the model folder shipped with the code by default', () => {
    expect(loadConfig({}).shippedModel).toBe('aiguillage-ebm-1.1.0');
  });

  it('names another folder', () => {
    expect(loadConfig({ SHIPPED_MODEL: 'acme-model-2.0.0' }).shippedModel).toBe('acme-model-2.0.0');
  });

  it('is none when set empty, for a deployment that registers its own model', () => {
    expect(loadConfig({ SHIPPED_MODEL: '' }).shippedModel).toBeNull();
    expect(loadConfig({ SHIPPED_MODEL: '  ' }).shippedModel).toBeNull();
  });
});
