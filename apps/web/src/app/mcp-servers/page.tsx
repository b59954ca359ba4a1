'use client';
import { McpServersPage } from '@restflow/ui';

export default McpServersPage;
