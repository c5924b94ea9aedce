/**
 * Search's ValidationException texts. The service's own words where they are documented
 * (`'CONTAINS' operator usage limit of 1 exceeded.`); elsewhere sagebox's, written to say what
 * was wrong and what would be accepted.
 */
import { validation, type ServiceError } from '../../aws/service-error.js';

export const unsupportedResource = (resource: string, served: string[]): ServiceError =>
  validation(`Search on resource type ${resource} is not supported by sagebox; it searches ${served.join(', ')}.`);

export const unknownProperty = (name: string, resource: string): ServiceError =>
  validation(`Unknown property name '${name}' for resource type ${resource}. Use a member of the ${resource} search record (dotted paths such as ResourceConfig.InstanceType), Tags.<key>, or a map entry such as HyperParameters.<name>.`);

export const unknownSortBy = (name: string, resource: string): ServiceError =>
  validation(`Invalid SortBy '${name}': ${resource} has no such property.`);

export const sortByContainer = (name: string): ServiceError =>
  validation(`Invalid SortBy '${name}': it is a structure, list or map; sort by one of its members instead.`);

export const operatorNotSupported = (operator: string, type: string, name: string, allowed: string[]): ServiceError =>
  validation(`Operator '${operator}' is not supported for ${type} property '${name}'. Supported operators: ${allowed.join(', ')}.`);

export const valueRequired = (operator: string, name: string): ServiceError =>
  validation(`The filter on '${name}' with operator '${operator}' requires a Value.`);

export const badNumber = (value: string, name: string): ServiceError =>
  validation(`Value '${value}' for numeric property '${name}' is not a number.`);

export const badTimestamp = (value: string, name: string): ServiceError =>
  validation(`Value '${value}' for timestamp property '${name}' is not an ISO 8601 date-time of the form YYYY-mm-dd'T'HH:MM:SS.`);

export const badBoolean = (value: string, name: string): ServiceError =>
  validation(`Value '${value}' for Boolean property '${name}' must be true or false.`);

export const emptyExpression = (): ServiceError =>
  validation('A SearchExpression must contain at least one Filter, NestedFilter or SubExpression.');

export const tooManyElements = (count: number, max: number): ServiceError =>
  validation(`A SearchExpression can contain at most ${max} SubExpressions, NestedFilters and Filters in all; this one has ${count}.`);

export const containsLimit = (): ServiceError => validation("'CONTAINS' operator usage limit of 1 exceeded.");

export const nestedNotList = (name: string, resource: string): ServiceError =>
  validation(`NestedPropertyName '${name}' is not a list property of ${resource} (for example InputDataConfig).`);

export const nestedFilterOutside = (name: string, nested: string): ServiceError =>
  validation(`The nested filter on '${name}' must name a property of NestedPropertyName '${nested}' (such as ${nested}.<member>).`);
