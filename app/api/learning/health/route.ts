import { route } from "@/lib/api/handler";
import { learningHealth } from "@/lib/learning/health";
import type { LearningHealth } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

/** The loops' headline figures: conversion, coverage, learnings by source, small items acted on. */
export const GET = route(async () => Response.json((await learningHealth()) satisfies LearningHealth));
