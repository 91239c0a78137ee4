// Configuration tab "sources": a placeholder until its editor lands (issue 15).
import { notYet } from './not-yet.js';

export const render = (container) => notYet(container, 'sources');
