/**
 * Lays JSON out the way the repository's formatter (biome, 2 spaces, 110 columns) does, so that a
 * freshly trained model folder passes `biome check` without a formatting pass: objects one key per
 * line, arrays of numbers inline when they fit and otherwise packed line by line, other arrays one
 * element per line.
 */
export function formatJson(value: unknown, lineWidth = 110): string {
  return `${formatValue(value, 0, 0, lineWidth)}\n`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function formatValue(value: unknown, indent: number, column: number, lineWidth: number): string {
  const json = value as Json;
  if (json === null || typeof json !== 'object') {
    return JSON.stringify(json);
  }
  const inner = ' '.repeat(indent + 2);
  const outer = ' '.repeat(indent);
  if (Array.isArray(json)) {
    if (json.length === 0) {
      return '[]';
    }
    const items = json.map((item) => formatValue(item, indent + 2, indent + 2, lineWidth));
    if (json.every((item) => typeof item === 'number')) {
      const inline = `[${items.join(', ')}]`;
      // The trailing comma after the array counts towards the line, hence the + 1.
      if (column + inline.length + 1 <= lineWidth) {
        return inline;
      }
      return `[\n${packLines(items, indent + 2, lineWidth).join('\n')}\n${outer}]`;
    }
    return `[\n${items.map((item) => inner + item).join(',\n')}\n${outer}]`;
  }
  const entries = Object.entries(json).filter(([, item]) => item !== undefined);
  if (entries.length === 0) {
    return '{}';
  }
  const lines = entries.map(([key, item]) => {
    const prefix = `${inner}${JSON.stringify(key)}: `;
    return prefix + formatValue(item, indent + 2, prefix.length, lineWidth);
  });
  return `{\n${lines.join(',\n')}\n${outer}}`;
}

function packLines(items: readonly string[], indent: number, lineWidth: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const isLast = i === items.length - 1;
    const piece = isLast ? item : `${item},`;
    if (line === '') {
      line = pad + piece;
    } else if (line.length + 1 + piece.length <= lineWidth) {
      line += ` ${piece}`;
    } else {
      lines.push(line);
      line = pad + piece;
    }
  });
  lines.push(line);
  return lines;
}
