import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

type Constraint = { name: string; constraints: unknown[] };

/**
 * The shared DTO classes carry class-validator decorators but no Swagger ones (the client
 * imports them too). This reads their validation rules and applies the equivalent
 * ApiProperty at start-up, so the published schema is derived from what is enforced.
 */
export function documentDtos(classes: (abstract new (...args: never[]) => object)[]): void {
  const storage = getMetadataStorage();
  for (const cls of classes) {
    const byProperty = new Map<string, Constraint[]>();
    for (const m of storage.getTargetValidationMetadatas(cls, '', true, false)) {
      const list = byProperty.get(m.propertyName) ?? [];
      list.push({ name: m.name ?? m.type, constraints: m.constraints ?? [] });
      byProperty.set(m.propertyName, list);
    }
    for (const [property, rules] of byProperty) {
      ApiProperty(toOptions(rules))(cls.prototype as object, property);
    }
  }
}

function toOptions(rules: Constraint[]): ApiPropertyOptions {
  const opts: Record<string, unknown> = { required: true };
  for (const { name, constraints: c } of rules) {
    switch (name) {
      case 'isOptional':
        opts.required = false;
        break;
      case 'isString':
        opts.type = 'string';
        break;
      case 'isInt':
        opts.type = 'integer';
        break;
      case 'isLength':
        opts.type = 'string';
        opts.minLength = c[0];
        opts.maxLength = c[1];
        break;
      case 'matches':
        opts.pattern = c[0] instanceof RegExp ? c[0].source : String(c[0]);
        break;
      case 'min':
        opts.minimum = c[0];
        break;
      case 'max':
        opts.maximum = c[0];
        break;
      case 'isUuid':
        opts.type = 'string';
        opts.format = 'uuid';
        break;
      case 'isIn':
        opts.enum = c[0];
        break;
      case 'isBoolean':
        opts.type = 'boolean';
        break;
      case 'isIso8601':
        opts.type = 'string';
        opts.format = 'date-time';
        break;
    }
  }
  return opts as ApiPropertyOptions;
}
