// Configuration tab "custom-data": a placeholder until its editor lands (issue 15).
import { notYet } from './not-yet.js';

export const render = (container) => notYet(container, 'custom-data');
